// The durable record of the last sync state this node saw while it was primary. After a crash it
// tells the heal decision whether the peer was confirming every commit when this node stopped.
import { readFile } from "node:fs/promises";
import { Lsn, SyncState } from "@pgaas/common/wire";
import { z } from "zod";
import { writeAtomically } from "../files/write-atomically.js";

export const SyncRecord = z.object({
  observedAt: z.iso.datetime({ offset: true }),
  timeline: z.number().int().nonnegative().nullable(),
  lsn: Lsn.nullable(),
  syncState: SyncState,
  /** The standby that confirmed commits (sync or quorum in pg_stat_replication), if any. */
  syncStandby: z.string().nullable(),
});
export type SyncRecord = z.infer<typeof SyncRecord>;

/** null when there is no record or it is unreadable: the decision then treats sync as unproven. */
export async function readSyncRecord(file: string): Promise<SyncRecord | null> {
  const text = await readFile(file, "utf8").catch(() => null);
  if (text === null) return null;
  try {
    const parsed = SyncRecord.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Atomic (temp file + rename), so a crash leaves the old record or the new one. */
export async function writeSyncRecord(file: string, record: SyncRecord): Promise<void> {
  await writeAtomically(file, `${JSON.stringify(record)}\n`, 0o600);
}

/** Whether the durability facts differ (the LSN alone moving is not worth a disk write). */
export function syncChanged(before: SyncRecord | null, after: SyncRecord): boolean {
  return (
    before === null ||
    before.syncState !== after.syncState ||
    before.syncStandby !== after.syncStandby ||
    before.timeline !== after.timeline
  );
}
