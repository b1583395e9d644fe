// The fence marker: a file the engine's fence watcher writes when this node stopped itself because it
// could reach neither its peer nor the witness. Fail closed: a marker we cannot check counts as present.
import { access } from "node:fs/promises";

export async function isFenced(markerFile: string): Promise<boolean> {
  try {
    await access(markerFile);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ENOENT";
  }
}
