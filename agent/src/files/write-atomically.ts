// Replaces a file in one step (a temporary file beside it, then rename): a reader, a reload or a crash
// sees the old content or the new, never half a file. The temporary name is unique, so two writers of
// the same path never share one, and it is removed when the write fails.
import { randomBytes } from "node:crypto";
import { rename, rm, writeFile } from "node:fs/promises";

export async function writeAtomically(path: string, content: string, mode: number): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, content, { mode });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
