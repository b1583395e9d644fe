// Restore checks through the control plane: a `verify_backup` command for the agent of the pair's
// streaming standby (the primary's when there is none: the restore's I/O stays off the primary
// where it can), requested by an admin or by the daily schedule, run by the same tick as the backup
// schedule. The agent's result becomes a restore_check_succeeded/failed event (agent-ingest.ts);
// the last of those is what the Backups page shows.
import type { Pair, RestoreCheck, VerifyBackupResponse } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import { lastDueMinute, parseCron } from "@pgaas/common/wire";
import type { Queryable } from "../store/db.js";

/** Daily at a fixed minute (UTC), clear of the default backup schedule's 01:00. */
export const RESTORE_CHECK_SCHEDULE = "30 4 * * *";
/** The schedule's row in backup_schedule_runs. */
export const RESTORE_CHECK_KIND = "restore_check";

export type RestoreCheckRequest = VerifyBackupResponse["request"];

/** The node whose agent runs the check: a reporting, unfenced standby, else the primary. */
export function restoreCheckNode(pair: Pair): Pair["nodes"][number] {
  const standby = pair.nodes.find(
    (node) => node.role === "standby" && node.state === "reporting" && !node.fenced,
  );
  const node = standby ?? pair.nodes.find((candidate) => candidate.name === pair.primary);
  if (node === undefined) {
    throw new ConflictError(`pair ${pair.name} has no standby or primary to run a restore check`, {
      code: "no_primary",
    });
  }
  return node;
}

export async function queueRestoreCheck(
  db: Queryable,
  pair: Pair,
  requestedBy: string | null,
): Promise<RestoreCheckRequest> {
  const node = restoreCheckNode(pair);
  const { rows } = await db.query<{
    id: string;
    state: RestoreCheckRequest["state"];
    requested_at: Date;
  }>(
    `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by, parameters)
     VALUES ($1, $2, 'verify_backup', 'pending', $3, '{}') RETURNING id, state, requested_at`,
    [pair.id, node.id, requestedBy],
  );
  const row = rows[0] as { id: string; state: RestoreCheckRequest["state"]; requested_at: Date };
  return {
    id: row.id,
    pairId: pair.id,
    nodeName: node.name,
    state: row.state,
    requestedAt: row.requested_at.toISOString(),
    finishedAt: null,
    message: null,
  };
}

/** Whether the schedule is due by `now`; the first sight only starts the clock (nothing retroactive). */
export async function restoreCheckDue(db: Queryable, pairId: string, now: Date): Promise<Date | null> {
  const { rows } = await db.query<{ last_due_at: Date }>(
    "SELECT last_due_at FROM backup_schedule_runs WHERE pair_id = $1 AND kind = $2",
    [pairId, RESTORE_CHECK_KIND],
  );
  const since = rows[0]?.last_due_at;
  if (since === undefined) {
    await advanceRestoreCheck(db, pairId, now);
    return null;
  }
  return lastDueMinute(parseCron(RESTORE_CHECK_SCHEDULE), since, now);
}

export async function advanceRestoreCheck(db: Queryable, pairId: string, at: Date): Promise<void> {
  await db.query(
    `INSERT INTO backup_schedule_runs (pair_id, kind, last_due_at) VALUES ($1, $2, $3)
     ON CONFLICT (pair_id, kind) DO UPDATE SET last_due_at = excluded.last_due_at`,
    [pairId, RESTORE_CHECK_KIND, at],
  );
}

export async function lastRestoreCheck(db: Queryable, pairId: string): Promise<RestoreCheck | null> {
  const { rows } = await db.query<{
    occurred_at: Date;
    type: string;
    backup: string | null;
    duration_ms: number | null;
    message: string;
  }>(
    `SELECT occurred_at, type, details->>'backup' AS backup, duration_ms, message FROM pair_events
      WHERE pair_id = $1 AND type IN ('restore_check_succeeded', 'restore_check_failed')
      ORDER BY occurred_at DESC, id LIMIT 1`,
    [pairId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    at: row.occurred_at.toISOString(),
    ok: row.type === "restore_check_succeeded",
    backup: row.backup,
    durationMs: row.duration_ms,
    message: row.message,
  };
}
