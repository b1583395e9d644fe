// Pushes the primary's current WAL segment into the repository from a host that is not the primary
// (a standby's agent looking at the pair as of a recent time): pgbackrest check switches WAL only where
// it reaches the primary, so the switch is asked of the primary itself over SQL and its archiver
// watched until that segment is archived (archive-push, also asynchronous, reports success only once
// the segment is in the repository).
import { ConflictError, sqlLiteral } from "@pgaas/common";
import type { SqlTarget } from "../member-commands.js";

/** The segment just completed (an idle primary: the one before the current, archived already or queued). */
export const SWITCH_WAL_SQL = "SELECT pg_catalog.pg_walfile_name(pg_catalog.pg_switch_wal());\n";

export function segmentArchivedSql(segment: string): string {
  return `SELECT coalesce(last_archived_wal >= ${sqlLiteral(segment)}, false) FROM pg_catalog.pg_stat_archiver;\n`;
}

export interface ArchiveWait {
  readonly timeoutMs: number;
  readonly intervalMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function archiveThroughPrimary(
  primary: SqlTarget,
  wait: ArchiveWait = { timeoutMs: 120_000, intervalMs: 500 },
): Promise<void> {
  const segment = await primary.sql(SWITCH_WAL_SQL, "switch-wal");
  const deadline = Date.now() + wait.timeoutMs;
  for (;;) {
    if ((await primary.sql(segmentArchivedSql(segment), "wal-archived")) === "t") return;
    if (Date.now() >= deadline) {
      throw new ConflictError(
        `WAL segment ${segment} was not archived by ${primary.name} within ${wait.timeoutMs / 1000} s: check archiving (the Backups page's archive failures)`,
        { code: "wal_not_archived" },
      );
    }
    await sleep(wait.intervalMs);
  }
}
