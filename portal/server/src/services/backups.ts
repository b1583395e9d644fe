// Backups through the control plane, which holds no SSH keys: the primary's agent reports the
// inventory with its metrics (stored in backup_inventory) and takes a backup when it receives a
// `backup` command with a report acknowledgement; its result becomes a backup_succeeded/failed event.
// The control plane also runs the schedule the agent reports (the pair spec's cron): a due backup is
// the same command, requested by nobody. Restore checks (restore-checks.ts) ride on the same
// inventory, tick and request bookkeeping.
import type { BackupRequest, BackupType, Pair, PairBackups } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import { type BackupInventory, lastDueMinute, parseCron } from "@pgaas/common/wire";
import {
  enqueueAgentCommand,
  findBackupRequest,
  listBackupRequests,
  openCommandId,
} from "../store/agent-commands.js";
import { findBackupInventory, inventorySchedules } from "../store/backup-inventory.js";
import { advanceScheduleRun, scheduleRuns } from "../store/backup-schedule-runs.js";
import type { Queryable, Store } from "../store/db.js";
import { insertEvent, lastRestoreCheck } from "../store/events.js";
import { lockPair } from "../store/pairs.js";
import type { Pairs } from "./pairs.js";
import {
  advanceRestoreCheck,
  queueRestoreCheck,
  type RestoreCheckRequest,
  restoreCheckDue,
} from "./restore-checks.js";

const LISTED_REQUESTS = 20;
/** A backup request the agent never answered (host gone, agent restarted mid-backup) stops blocking new ones. */
const ABANDONED_AFTER = "2 hours";

export interface Backups {
  list(pairId: string): Promise<PairBackups>;
  take(pairId: string, type: BackupType, requestedBy: string): Promise<BackupRequest>;
  /** Asks the standby's agent (the primary's without one) to restore the newest backup and check it. */
  verify(pairId: string, requestedBy: string): Promise<RestoreCheckRequest>;
  /** Requests every scheduled backup and restore check due by `now`; returns how many were requested. */
  runSchedules(now?: Date): Promise<number>;
}

/** Schedule kinds in the order they win when due together: a full backup makes the differential moot. */
const SCHEDULED: ReadonlyArray<{ kind: "full" | "differential"; type: BackupType }> = [
  { kind: "full", type: "full" },
  { kind: "differential", type: "diff" },
];

/** The open request of this type, once those the agent never answered are failed. */
function openRequest(db: Queryable, pairId: string, type: "backup" | "verify_backup" = "backup") {
  return openCommandId(db, pairId, type, ABANDONED_AFTER);
}

/**
 * The inventory of the repository the primary's agent reports: backups, their checks and looks at a
 * point in time (point-in-time.ts) need it.
 */
export async function requireRepository(db: Queryable, pair: Pair): Promise<BackupInventory> {
  const reported = await findBackupInventory(db, pair.id);
  if (reported === undefined) {
    throw new ConflictError(
      `pair ${pair.name} has reported no backup repository: configure backups on the pair (its spec's backup block)`,
      { code: "backups_not_configured" },
    );
  }
  return reported.inventory;
}

export function createBackups(store: Store, pairs: Pairs, clock: () => Date = () => new Date()): Backups {
  /** Queues the command for the pair's primary and records who asked (null: the schedule). */
  const request = async (
    db: Queryable,
    pair: Pair,
    type: BackupType,
    requestedBy: string | null,
    at: Date,
  ): Promise<BackupRequest> => {
    const primary = pair.nodes.find((node) => node.name === pair.primary);
    if (primary === undefined) {
      throw new ConflictError(`pair ${pair.name} has no primary to take a backup`, { code: "no_primary" });
    }
    const queued = await enqueueAgentCommand(db, {
      pairId: pair.id,
      nodeId: primary.id,
      type: "backup",
      requestedBy,
      parameters: { backupType: type },
    });
    await insertEvent(db, {
      pairId: pair.id,
      nodeName: primary.name,
      type: "backup_requested",
      message: `${requestedBy === null ? "scheduled " : ""}${type} backup requested on ${primary.name}`,
      occurredAt: at,
      durationMs: null,
      details: { backupType: type, scheduled: requestedBy === null },
    });
    return findBackupRequest(db, queued.id);
  };

  /** One pair's schedule: the first sight only starts the clock (nothing runs retroactively). */
  const runSchedule = async (
    pairId: string,
    schedule: NonNullable<BackupInventory["schedule"]>,
    now: Date,
  ) => {
    const pair = await pairs.get(pairId);
    return store.transaction(async (db) => {
      await lockPair(db, pairId);
      const last = await scheduleRuns(db, pairId);
      const due = SCHEDULED.map(({ kind, type }) => {
        const since = last.get(kind);
        return { kind, type, since, at: since ? lastDueMinute(parseCron(schedule[kind]), since, now) : null };
      });
      const advance = (kind: string, at: Date) => advanceScheduleRun(db, pairId, kind, at);
      for (const entry of due) if (entry.since === undefined) await advance(entry.kind, now);
      const first = due.find((entry) => entry.at !== null);
      // A backup still running or no primary right now: the due run waits for the next pass.
      if (!first?.at || pair.primary === null || (await openRequest(db, pairId)) !== undefined) return 0;
      await request(db, pair, first.type, null, now);
      for (const entry of due) if (entry.at !== null) await advance(entry.kind, entry.at);
      return 1;
    });
  };

  /** One pair's daily restore check: a pair without a backup yet has nothing to check. */
  const runRestoreCheckSchedule = async (pairId: string, hasBackup: boolean, now: Date) => {
    const pair = await pairs.get(pairId);
    return store.transaction(async (db) => {
      await lockPair(db, pairId);
      const due = await restoreCheckDue(db, pairId, now);
      if (due === null) return 0;
      if (!hasBackup) {
        await advanceRestoreCheck(db, pairId, due);
        return 0;
      }
      // A check still running or no node to run it right now: the due check waits for the next pass.
      if ((await openRequest(db, pairId, "verify_backup")) !== undefined) return 0;
      try {
        await queueRestoreCheck(db, pair, null);
      } catch (error) {
        if ((error as { code?: unknown }).code === "no_primary") return 0;
        throw error;
      }
      await advanceRestoreCheck(db, pairId, due);
      return 1;
    });
  };

  return {
    async list(pairId) {
      await pairs.get(pairId);
      const [latest, requests, lastVerification] = await Promise.all([
        findBackupInventory(store, pairId),
        listBackupRequests(store, pairId, LISTED_REQUESTS),
        lastRestoreCheck(store, pairId),
      ]);
      return {
        inventory: latest?.inventory ?? null,
        reportedAt: latest?.sampledAt.toISOString() ?? null,
        reportedBy: latest?.nodeName ?? null,
        requests,
        lastVerification,
      };
    },

    async take(pairId, type, requestedBy) {
      const pair = await pairs.get(pairId);
      return store.transaction(async (db) => {
        await lockPair(db, pairId);
        await requireRepository(db, pair);
        const open = await openRequest(db, pairId);
        if (open !== undefined) {
          throw new ConflictError("a backup of this pair is already running", {
            code: "backup_in_progress",
            details: { requestId: open },
          });
        }
        return request(db, pair, type, requestedBy, clock());
      });
    },

    async verify(pairId, requestedBy) {
      const pair = await pairs.get(pairId);
      return store.transaction(async (db) => {
        await lockPair(db, pairId);
        await requireRepository(db, pair);
        const open = await openRequest(db, pairId, "verify_backup");
        if (open !== undefined) {
          throw new ConflictError("a restore check of this pair is already running", {
            code: "restore_check_in_progress",
            details: { requestId: open },
          });
        }
        return queueRestoreCheck(db, pair, requestedBy);
      });
    },

    async runSchedules(now = clock()) {
      let requested = 0;
      for (const row of await inventorySchedules(store)) {
        if (row.schedule) requested += await runSchedule(row.pairId, row.schedule, now);
        requested += await runRestoreCheckSchedule(row.pairId, row.hasBackup, now);
      }
      return requested;
    },
  };
}
