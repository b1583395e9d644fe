// The lab's state directory holds root's authorized_keys for the lab hosts. sshd (StrictModes) refuses
// keys whose path has a group/world-writable or foreign-owned ancestor, so
// /tmp is out: check up front and say so, instead of a login that fails later without a reason.
import { mkdir, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { LocalDriverError } from "./errors.js";

export async function ensureStateDir(stateDir: string): Promise<string> {
  const absolute = resolve(stateDir);
  await mkdir(absolute, { recursive: true, mode: 0o700 });
  let current = absolute;
  for (let depth = 0; depth < 64; depth += 1) {
    const info = await stat(current);
    if (info.uid !== 0 || (info.mode & 0o022) !== 0) {
      throw new LocalDriverError(
        "invalid_options",
        `lab stateDir ${absolute}: ${current} is not root-owned or is group/world-writable, so sshd would refuse ` +
          "the lab key; use a directory like /run/pgaas-lab/<prefix>",
      );
    }
    if (current === "/") break;
    current = dirname(current);
  }
  return absolute;
}
