// Until when a deleted database stays restorable. Its restore starts from a backup that ended before
// the deletion and replays WAL up to it; count-based retention keeps that backup (and the WAL after
// it) until `retention.full` newer full backups exist, so on the schedule alone the deletion is
// restorable until the `retention.full`-th scheduled full backup after it. A full backup taken by
// hand in between brings that moment forward by one scheduled run.
import type { BackupInventory, BackupRetention, BackupSchedule } from "./backup-inventory.js";
import { nextDueMinutes, parseCron } from "./cron.js";

export function deletionRestorableUntil(
  deletedAt: Date,
  reported: { readonly schedule?: BackupSchedule; readonly retention?: BackupRetention } | null,
): Date | null {
  if (!reported?.schedule || !reported.retention) return null;
  const runs = nextDueMinutes(parseCron(reported.schedule.full), deletedAt, reported.retention.full);
  return runs.length === reported.retention.full ? (runs.at(-1) ?? null) : null;
}

/** The reply's words for it: when, and why no time when there is none. */
export function deletionRestorableText(
  until: Date | null,
  inventory: Pick<BackupInventory, "schedule" | "retention"> | null,
): string {
  if (until !== null && inventory?.schedule && inventory.retention) {
    const n = inventory.retention.full;
    return `restorable until ${until.toISOString()}: retention keeps ${n} full backups, so the ${n} scheduled full backups after the deletion (${inventory.schedule.full}, UTC) expire the last backup from before it; a full backup taken by hand brings this forward`;
  }
  if (inventory === null) return "not restorable: the pair reports no backups";
  if (inventory.schedule && inventory.retention) {
    return `restorable while the repository keeps a backup from before the deletion (the full backup schedule ${inventory.schedule.full} names too few runs in the next 800 days to say until when)`;
  }
  return "restorable while the repository keeps a backup from before the deletion (the pair's agents report no schedule and retention)";
}
