// lab.json: what a lab created, written before each creation step, so `destroyLab(stateDir)` can
// remove everything even after a crash halfway through `createLocalLab`.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";

export const LabHostRecord = z.object({
  name: z.string(),
  namespace: z.string(),
  address: z.string(),
  hostKeySha256: z.string().optional(),
  /** sshd's PID when it was last started (for the record; teardown kills by `ip netns pids`). */
  sshdPid: z.number().int().optional(),
});
export type LabHostRecord = z.infer<typeof LabHostRecord>;

export const LabRecord = z.object({
  version: z.literal(1),
  prefix: z.string(),
  subnet: z.string(),
  switchNamespace: z.string(),
  hostLink: z.string(),
  hostAddress: z.string(),
  hosts: z.array(LabHostRecord),
});
export type LabRecord = z.infer<typeof LabRecord>;

export function labFile(stateDir: string): string {
  return join(stateDir, "lab.json");
}

export async function readLabRecord(stateDir: string): Promise<LabRecord | undefined> {
  let text: string;
  try {
    text = await readFile(labFile(stateDir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return LabRecord.parse(JSON.parse(text));
}

export async function writeLabRecord(stateDir: string, record: LabRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const temp = `${labFile(stateDir)}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, labFile(stateDir));
}
