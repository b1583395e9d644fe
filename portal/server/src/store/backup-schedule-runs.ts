// backup_schedule_runs: per pair and schedule kind, the last due minute a run was requested for.
import type { Queryable } from "./db.js";

/** The pair's last due minute per kind. */
export async function scheduleRuns(db: Queryable, pairId: string): Promise<Map<string, Date>> {
  const { rows } = await db.query<{ kind: string; last_due_at: Date }>(
    "SELECT kind, last_due_at FROM backup_schedule_runs WHERE pair_id = $1",
    [pairId],
  );
  return new Map(rows.map((row) => [row.kind, row.last_due_at]));
}

export async function advanceScheduleRun(
  db: Queryable,
  pairId: string,
  kind: string,
  at: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO backup_schedule_runs (pair_id, kind, last_due_at) VALUES ($1, $2, $3)
     ON CONFLICT (pair_id, kind) DO UPDATE SET last_due_at = excluded.last_due_at`,
    [pairId, kind, at],
  );
}
