// Backups through the control plane, which holds no SSH keys: the primary's agent reports the
// inventory with its metrics (stored in backup_inventory) and takes a backup when it receives a
// `backup` command with a report acknowledgement; its result becomes a backup_succeeded/failed event.
// The control plane also runs the schedule the agent reports (the pair spec's cron): a due backup is
// the same command, requested by nobody. Restore checks (restore-checks.ts) ride on the same
// inventory, tick and request bookkeeping.
import type { BackupRequest, BackupType, Pair, PairBackups } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import { type BackupInventory, lastDueMinute, parseCron } from "@pgaas/common/wire";
import type { Queryable, Store } from "../store/db.js";
import { insertEvent, type Pairs } from "./pairs.js";
import {
  advanceRestoreCheck,
  lastRestoreCheck,
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

interface RequestRow {
  id: string;
  pair_id: string;
  node_name: string;
  backup_type: BackupType | null;
  state: BackupRequest["state"];
  requested_at: Date;
  finished_at: Date | null;
  message: string | null;
}

const REQUEST_COLUMNS = `c.id, c.pair_id, n.name AS node_name, c.parameters->>'backupType' AS backup_type, c.state,
  c.requested_at, c.finished_at, c.message`;

const toRequest = (row: RequestRow): BackupRequest => ({
  id: row.id,
  pairId: row.pair_id,
  nodeName: row.node_name,
  backupType: row.backup_type ?? "full",
  state: row.state,
  requestedAt: row.requested_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  message: row.message,
});

/** Schedule kinds in the order they win when due together: a full backup makes the differential moot. */
const SCHEDULED: ReadonlyArray<{ kind: "full" | "differential"; type: BackupType }> = [
  { kind: "full", type: "full" },
  { kind: "differential", type: "diff" },
];

/** Fails requests the agent never answered, then tells whether one of this type is still open. */
async function openRequest(
  db: Queryable,
  pairId: string,
  type: "backup" | "verify_backup" = "backup",
): Promise<string | undefined> {
  await db.query(
    `UPDATE agent_commands SET state = 'failed', finished_at = now(), message = 'no result within ${ABANDONED_AFTER}'
      WHERE pair_id = $1 AND type = $2 AND state IN ('pending', 'delivered')
        AND requested_at < now() - interval '${ABANDONED_AFTER}'`,
    [pairId, type],
  );
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM agent_commands WHERE pair_id = $1 AND type = $2 AND state IN ('pending', 'delivered')",
    [pairId, type],
  );
  return rows[0]?.id;
}

/** Backups and their checks need the repository the primary's agent reports. */
async function requireRepository(db: Queryable, pair: Pair): Promise<void> {
  const { rows } = await db.query("SELECT 1 FROM backup_inventory WHERE pair_id = $1", [pair.id]);
  if (rows.length === 0) {
    throw new ConflictError(
      `pair ${pair.name} has reported no backup repository: configure backups on the pair (its spec's backup block)`,
      { code: "backups_not_configured" },
    );
  }
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
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by, parameters)
       VALUES ($1, $2, 'backup', 'pending', $3, $4) RETURNING id`,
      [pair.id, primary.id, requestedBy, JSON.stringify({ backupType: type })],
    );
    await insertEvent(db, {
      pairId: pair.id,
      nodeName: primary.name,
      type: "backup_requested",
      message: `${requestedBy === null ? "scheduled " : ""}${type} backup requested on ${primary.name}`,
      occurredAt: at,
      durationMs: null,
      details: { backupType: type, scheduled: requestedBy === null },
    });
    const { rows: created } = await db.query<RequestRow>(
      `SELECT ${REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id WHERE c.id = $1`,
      [rows[0]?.id],
    );
    return toRequest(created[0] as RequestRow);
  };

  /** One pair's schedule: the first sight only starts the clock (nothing runs retroactively). */
  const runSchedule = async (
    pairId: string,
    schedule: NonNullable<BackupInventory["schedule"]>,
    now: Date,
  ) => {
    const pair = await pairs.get(pairId);
    return store.transaction(async (db) => {
      await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [pairId]);
      const { rows } = await db.query<{ kind: string; last_due_at: Date }>(
        "SELECT kind, last_due_at FROM backup_schedule_runs WHERE pair_id = $1",
        [pairId],
      );
      const last = new Map(rows.map((row) => [row.kind, row.last_due_at]));
      const due = SCHEDULED.map(({ kind, type }) => {
        const since = last.get(kind);
        return { kind, type, since, at: since ? lastDueMinute(parseCron(schedule[kind]), since, now) : null };
      });
      const advance = (kind: string, at: Date) =>
        db.query(
          `INSERT INTO backup_schedule_runs (pair_id, kind, last_due_at) VALUES ($1, $2, $3)
           ON CONFLICT (pair_id, kind) DO UPDATE SET last_due_at = excluded.last_due_at`,
          [pairId, kind, at],
        );
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
      await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [pairId]);
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
      const [{ rows: inventory }, { rows: requests }, lastVerification] = await Promise.all([
        store.query<{ inventory: BackupInventory; sampled_at: Date; node_name: string }>(
          "SELECT inventory, sampled_at, node_name FROM backup_inventory WHERE pair_id = $1",
          [pairId],
        ),
        store.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id
            WHERE c.pair_id = $1 AND c.type = 'backup' ORDER BY c.requested_at DESC, c.id LIMIT $2`,
          [pairId, LISTED_REQUESTS],
        ),
        lastRestoreCheck(store, pairId),
      ]);
      const latest = inventory[0];
      return {
        inventory: latest?.inventory ?? null,
        reportedAt: latest?.sampled_at.toISOString() ?? null,
        reportedBy: latest?.node_name ?? null,
        requests: requests.map(toRequest),
        lastVerification,
      };
    },

    async take(pairId, type, requestedBy) {
      const pair = await pairs.get(pairId);
      return store.transaction(async (db) => {
        await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [pairId]);
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
        await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [pairId]);
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
      const { rows } = await store.query<{
        pair_id: string;
        schedule: BackupInventory["schedule"] | null;
        has_backup: boolean;
      }>(
        `SELECT pair_id, inventory->'schedule' AS schedule,
                jsonb_array_length(inventory->'backups') > 0 AS has_backup FROM backup_inventory`,
      );
      let requested = 0;
      for (const row of rows) {
        if (row.schedule) requested += await runSchedule(row.pair_id, row.schedule, now);
        requested += await runRestoreCheckSchedule(row.pair_id, row.has_backup, now);
      }
      return requested;
    },
  };
}
