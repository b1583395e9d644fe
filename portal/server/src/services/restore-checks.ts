// Restore checks through the control plane: a `verify_backup` command for the agent of the pair's
// streaming standby (the primary's when there is none: the restore's I/O stays off the primary
// where it can), requested by an admin or by the daily schedule, run by the same tick as the backup
// schedule. The agent's result becomes a restore_check_succeeded/failed event (agent-ingest.ts);
// the last of those is what the Backups page shows.
import type { Pair, VerifyBackupResponse } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import { lastDueMinute, parseCron } from "@pgaas/common/wire";
import { enqueueAgentCommand } from "../store/agent-commands.js";
import { advanceScheduleRun, scheduleRuns } from "../store/backup-schedule-runs.js";
import type { Queryable } from "../store/db.js";

/** Daily at a fixed minute (UTC), clear of the default backup schedule's 01:00. */
export const RESTORE_CHECK_SCHEDULE = "30 4 * * *";
/** The schedule's row in backup_schedule_runs. */
export const RESTORE_CHECK_KIND = "restore_check";

export type RestoreCheckRequest = VerifyBackupResponse["request"];

/**
 * The node whose agent runs the check (or another scratch restore: `work` names it): a reporting,
 * unfenced standby, else the primary.
 */
export function restoreCheckNode(pair: Pair, work = "a restore check"): Pair["nodes"][number] {
  const standby = pair.nodes.find(
    (node) => node.role === "standby" && node.state === "reporting" && !node.fenced,
  );
  const node = standby ?? pair.nodes.find((candidate) => candidate.name === pair.primary);
  if (node === undefined) {
    throw new ConflictError(`pair ${pair.name} has no standby or primary to run ${work}`, {
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
  const queued = await enqueueAgentCommand(db, {
    pairId: pair.id,
    nodeId: node.id,
    type: "verify_backup",
    requestedBy,
  });
  return {
    id: queued.id,
    pairId: pair.id,
    nodeName: node.name,
    state: queued.state,
    requestedAt: queued.requestedAt.toISOString(),
    finishedAt: null,
    message: null,
  };
}

/** Whether the schedule is due by `now`; the first sight only starts the clock (nothing retroactive). */
export async function restoreCheckDue(db: Queryable, pairId: string, now: Date): Promise<Date | null> {
  const since = (await scheduleRuns(db, pairId)).get(RESTORE_CHECK_KIND);
  if (since === undefined) {
    await advanceRestoreCheck(db, pairId, now);
    return null;
  }
  return lastDueMinute(parseCron(RESTORE_CHECK_SCHEDULE), since, now);
}

export async function advanceRestoreCheck(db: Queryable, pairId: string, at: Date): Promise<void> {
  await advanceScheduleRun(db, pairId, RESTORE_CHECK_KIND, at);
}
