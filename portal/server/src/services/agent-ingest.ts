// Agent reports: de-duplicated by report id, the latest state kept per node, raw samples appended,
// role/sync/fence changes and disk crossings turned into events; pending commands returned with the
// acknowledgement.

import type { PairEventType } from "@pgaas/api";
import { ConflictError, ForbiddenError, InputError, NotFoundError } from "@pgaas/common";
import {
  type AgentCommand,
  type AgentCommandResult,
  type AgentReport,
  type AgentReportAck,
  type AgentReportBatch,
  type HealReport,
  type MetricsReport,
  parseRestoreCheckMessage,
  type StateReport,
} from "@pgaas/common/wire";
import type pg from "pg";
import type { Queryable, Store } from "../store/db.js";
import { insertSlowQueries } from "../store/slow-queries.js";
import type { AgentActor } from "./actor.js";
import { recordRestoreResult } from "./database-restore.js";
import { trackDiskUsage } from "./disk-alerts.js";
import { insertEvent } from "./pairs.js";
import { MAX_SAMPLE_CLOCK_SKEW_MS } from "./report-timing.js";
import { deriveEvents, type PreviousState } from "./state-events.js";

export interface AgentIngest {
  ingest(actor: AgentActor, batch: AgentReportBatch): Promise<AgentReportAck>;
  commandResult(actor: AgentActor, commandId: string, result: AgentCommandResult): Promise<void>;
}

// Each report is stored by ONE statement (data-modifying CTEs): record the id (a replay inserts
// nothing and so stores nothing), append the samples, move the latest state forward only when the
// sample is newer, and hand over pending commands. One round trip and no explicit transaction keep
// ingestion cheap at hundreds of reports per second. `previous` is the state before this statement.
const RECORD_REPORT_ID = `seen AS (INSERT INTO seen_reports (report_id, node_id) VALUES ($2, $1)
    ON CONFLICT (report_id) DO NOTHING RETURNING report_id)`;
const DELIVER_COMMANDS = `cmds AS (UPDATE agent_commands SET state = 'delivered', delivered_at = now()
    WHERE node_id = $1 AND state = 'pending' RETURNING id, type, requested_at, parameters)`;
const RESULT_COLUMNS = `(SELECT count(*) FROM seen)::int AS fresh,
  (SELECT coalesce(json_agg(json_strip_nulls(json_build_object('id', id, 'type', type, 'requestedAt', requested_at,
    'backupType', parameters->>'backupType', 'restore', parameters->'restore'))), '[]') FROM cmds) AS commands`;

const INGEST_STATE_SQL = `
  WITH ${RECORD_REPORT_ID},
  prev AS (SELECT role, writable, fenced, sync_state, sampled_at FROM node_state WHERE node_id = $1),
  sample AS (INSERT INTO state_samples (node_id, sampled_at, role, writable, fenced, sync_state, lag_bytes, lag_seconds)
    SELECT $1, $3, $4, $5, $6, $7, $10, $11 FROM seen RETURNING 1),
  latest AS (INSERT INTO node_state (node_id, sampled_at, received_at, role, writable, fenced, sync_state, timeline, lsn,
                                     lag_bytes, lag_seconds, pending_restart, role_since, sync_state_since, heal_state)
    SELECT $1, $3, now(), $4, $5, $6, $7, $8, $9, $10, $11, $12, $3, $3, $13 FROM seen
    ON CONFLICT (node_id) DO UPDATE SET sampled_at = excluded.sampled_at, received_at = excluded.received_at,
      role = excluded.role, writable = excluded.writable, fenced = excluded.fenced, sync_state = excluded.sync_state,
      timeline = excluded.timeline, lsn = excluded.lsn, lag_bytes = excluded.lag_bytes,
      lag_seconds = excluded.lag_seconds, pending_restart = excluded.pending_restart, heal_state = excluded.heal_state,
      role_since = CASE WHEN (node_state.role, node_state.writable, node_state.fenced)
                             IS DISTINCT FROM (excluded.role, excluded.writable, excluded.fenced)
                        THEN excluded.sampled_at ELSE node_state.role_since END,
      sync_state_since = CASE WHEN node_state.sync_state IS DISTINCT FROM excluded.sync_state
                              THEN excluded.sampled_at ELSE node_state.sync_state_since END
    WHERE node_state.sampled_at < excluded.sampled_at RETURNING 1),
  ${DELIVER_COMMANDS}
  SELECT ${RESULT_COLUMNS}, (SELECT row_to_json(prev) FROM prev) AS previous`;

const INGEST_METRICS_SQL = `
  WITH ${RECORD_REPORT_ID},
  m AS (SELECT * FROM unnest($4::text[], $5::bigint[], $6::int[], $7::bigint[], $8::bigint[], $9::bigint[], $10::bigint[],
                              $11::bigint[], $12::bigint[], $13::timestamptz[], $14::jsonb[])
          AS t(name, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes,
               stats_reset_at, metrics)
         WHERE EXISTS (SELECT 1 FROM seen)),
  samples AS (INSERT INTO database_samples (node_id, database_name, sampled_at, size_bytes, connections, xact_commit,
                xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes, stats_reset_at)
    SELECT $1, name, $3, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes,
           stats_reset_at FROM m RETURNING 1),
  latest AS (INSERT INTO database_latest (node_id, database_name, sampled_at, metrics) SELECT $1, name, $3, metrics FROM m
    ON CONFLICT (node_id, database_name) DO UPDATE SET sampled_at = excluded.sampled_at, metrics = excluded.metrics
      WHERE database_latest.sampled_at < excluded.sampled_at RETURNING 1),
  ${DELIVER_COMMANDS}
  SELECT ${RESULT_COLUMNS}, NULL::json AS previous`;

// A heal event becomes a pair event in the same statement that records the report id, so a replay
// (same id) adds nothing.
const INGEST_HEAL_SQL = `
  WITH ${RECORD_REPORT_ID},
  event AS (INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at, duration_ms, details)
    SELECT $4, $5, $6, $7, $3, $8, $9 FROM seen RETURNING 1),
  ${DELIVER_COMMANDS}
  SELECT ${RESULT_COLUMNS}, NULL::json AS previous`;

interface IngestRow {
  fresh: number;
  commands: AgentCommand[];
  previous: {
    role: string;
    writable: boolean;
    fenced: boolean;
    sync_state: string;
    sampled_at: string;
  } | null;
}

// Named statements: each pooled connection plans them once, not on every report. Both take the
// node ($1), the report id ($2) and the sample time ($3) first, then their own values.
async function runIngest(
  db: pg.Pool,
  statement: { name: string; text: string },
  actor: AgentActor,
  report: AgentReport,
  values: unknown[],
): Promise<IngestRow> {
  const result = await db.query<IngestRow>(statement, [
    actor.nodeId,
    report.reportId,
    report.sampledAt,
    ...values,
  ]);
  return result.rows[0] as IngestRow;
}

function storeState(db: pg.Pool, actor: AgentActor, report: StateReport): Promise<IngestRow> {
  const state = report.state;
  return runIngest(db, { name: "pgaas_ingest_state", text: INGEST_STATE_SQL }, actor, report, [
    state.role,
    state.writable,
    state.fenced,
    state.syncState,
    state.timeline,
    state.lsn,
    state.lagBytes,
    state.lagSeconds,
    state.pendingRestart,
    state.heal ?? "none",
  ]);
}

function storeHealEvent(db: pg.Pool, actor: AgentActor, report: HealReport): Promise<IngestRow> {
  const event = report.event;
  return runIngest(db, { name: "pgaas_ingest_heal", text: INGEST_HEAL_SQL }, actor, report, [
    actor.pairId,
    actor.nodeName,
    event.type,
    `${actor.nodeName}: ${event.reason}`,
    event.durationMs,
    JSON.stringify({ attempt: event.attempt, method: event.method }),
  ]);
}

function storeMetrics(db: pg.Pool, actor: AgentActor, report: MetricsReport): Promise<IngestRow> {
  const dbs = report.databases;
  return runIngest(db, { name: "pgaas_ingest_metrics", text: INGEST_METRICS_SQL }, actor, report, [
    dbs.map((m) => m.name),
    dbs.map((m) => m.sizeBytes),
    dbs.map(
      (m) =>
        m.connections.active + m.connections.idle + m.connections.idleInTransaction + m.connections.other,
    ),
    dbs.map((m) => m.xactCommit),
    dbs.map((m) => m.xactRollback),
    dbs.map((m) => m.blksRead),
    dbs.map((m) => m.blksHit),
    dbs.map((m) => m.deadlocks),
    dbs.map((m) => m.tempBytes),
    dbs.map((m) => m.statsResetAt),
    dbs.map((m) => JSON.stringify(m)),
  ]);
}

/** The latest inventory per pair; only a newer sample replaces it (spooled reports arrive late). */
async function storeBackupInventory(db: Queryable, actor: AgentActor, report: MetricsReport): Promise<void> {
  await db.query(
    `INSERT INTO backup_inventory (pair_id, node_name, sampled_at, inventory) VALUES ($1, $2, $3, $4)
     ON CONFLICT (pair_id) DO UPDATE SET node_name = excluded.node_name, sampled_at = excluded.sampled_at,
       inventory = excluded.inventory
     WHERE backup_inventory.sampled_at < excluded.sampled_at`,
    [actor.pairId, actor.nodeName, report.sampledAt, JSON.stringify(report.backups)],
  );
}

/** Turns a state change into events; runs only when the stored state actually moved. */
async function recordEvents(
  db: Queryable,
  actor: AgentActor,
  report: StateReport,
  stored: NonNullable<IngestRow["previous"]>,
): Promise<void> {
  const sampledAt = new Date(report.sampledAt);
  const previous: PreviousState = {
    role: stored.role,
    writable: stored.writable,
    fenced: stored.fenced,
    syncState: stored.sync_state,
    sampledAt: new Date(stored.sampled_at),
  };
  if (previous.sampledAt >= sampledAt) return;
  let peerLastWritableAt: Date | null = null;
  let switchoverInFlight = false;
  if (!previous.writable && report.state.writable) {
    const { rows: peer } = await db.query<{ at: Date | null; switching: boolean }>(
      `SELECT (SELECT max(ss.sampled_at) FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
                WHERE n.pair_id = $1 AND n.id <> $2 AND ss.writable AND ss.sampled_at <= $3) AS at,
              EXISTS (SELECT 1 FROM agent_commands WHERE pair_id = $1 AND type = 'switchover'
                       AND (state IN ('pending', 'delivered') OR finished_at > $3::timestamptz - interval '60 seconds')) AS switching`,
      [actor.pairId, actor.nodeId, sampledAt],
    );
    peerLastWritableAt = peer[0]?.at ?? null;
    switchoverInFlight = peer[0]?.switching ?? false;
  }
  const events = deriveEvents(previous, report.state, {
    nodeName: actor.nodeName,
    sampledAt,
    peerLastWritableAt,
    switchoverInFlight,
  });
  for (const event of events) {
    await insertEvent(db, {
      ...event,
      pairId: actor.pairId,
      nodeName: actor.nodeName,
      occurredAt: sampledAt,
    });
  }
}

/** Refuses the whole batch before anything is stored: one agent's samples share one clock. */
function refuseFutureSamples(batch: AgentReportBatch, now: number): void {
  const future = batch.reports.find(
    (report) => Date.parse(report.sampledAt) - now > MAX_SAMPLE_CLOCK_SKEW_MS,
  );
  if (future === undefined) return;
  throw new InputError(
    `sampledAt is more than ${MAX_SAMPLE_CLOCK_SKEW_MS / 1000} s ahead of the control plane's clock: check the node's time synchronisation`,
    {
      code: "sampled_at_in_future",
      details: {
        reportId: future.reportId,
        sampledAt: future.sampledAt,
        serverTime: new Date(now).toISOString(),
      },
    },
  );
}

function resultEvent(
  type: AgentCommand["type"],
  parameters: { backupType?: string },
  nodeName: string,
  result: AgentCommandResult,
): { type: PairEventType; message: string; details?: Record<string, unknown> } {
  const ok = result.outcome === "succeeded";
  switch (type) {
    case "switchover":
      return {
        type: ok ? "switchover_succeeded" : "switchover_failed",
        message: ok
          ? `switchover to ${nodeName} succeeded`
          : `switchover to ${nodeName} failed: ${result.message}`,
      };
    case "restore":
      return {
        type: ok ? "restore_succeeded" : "restore_failed",
        message: ok
          ? `restore on ${nodeName}: ${result.message}`
          : `restore on ${nodeName} failed: ${result.message}`,
      };
    case "backup": {
      const kind = parameters.backupType ?? "full";
      return {
        type: ok ? "backup_succeeded" : "backup_failed",
        message: ok
          ? `${kind} backup taken by ${nodeName}`
          : `${kind} backup by ${nodeName} failed: ${result.message}`,
      };
    }
    case "verify_backup": {
      const passed = ok ? parseRestoreCheckMessage(result.message) : null;
      if (passed === null) {
        return {
          type: "restore_check_failed",
          message: `restore check on ${nodeName} failed: ${ok ? `unreadable result: ${result.message}` : result.message}`,
        };
      }
      return {
        type: "restore_check_succeeded",
        message: `restore check on ${nodeName}: backup ${passed.backup} restored, ${passed.databaseCount} databases answered`,
        details: { backup: passed.backup, databases: passed.databases, databaseCount: passed.databaseCount },
      };
    }
    default: {
      const never: never = type;
      throw new TypeError(`unknown command type ${String(never)}`);
    }
  }
}

/** What other services do when a command's result arrives, after it was stored. */
export interface CommandResultHooks {
  /** A restore failed: drop what it left on the primary (its record is restore_failed already). */
  restoreFailed(databaseId: string): Promise<void>;
}

export function createAgentIngest(
  store: Store,
  clock: () => number = Date.now,
  hooks: CommandResultHooks = { restoreFailed: async () => undefined },
): AgentIngest {
  return {
    async ingest(actor, batch) {
      refuseFutureSamples(batch, clock());
      let accepted = 0;
      const commands: AgentCommand[] = [];
      for (const report of batch.reports) {
        const row =
          report.kind === "state"
            ? await storeState(store.pool, actor, report)
            : report.kind === "heal"
              ? await storeHealEvent(store.pool, actor, report)
              : await storeMetrics(store.pool, actor, report);
        accepted += row.fresh;
        commands.push(
          ...row.commands.map((command) => ({
            ...command,
            requestedAt: new Date(command.requestedAt).toISOString(),
          })),
        );
        if (report.kind === "state" && row.fresh === 1 && row.previous !== null)
          await recordEvents(store, actor, report, row.previous);
        if (report.kind === "metrics" && row.fresh === 1) {
          await trackDiskUsage(store, actor, report);
          if (report.backups !== undefined) await storeBackupInventory(store, actor, report);
          if (report.slowQueries !== undefined)
            await insertSlowQueries(store, actor.pairId, actor.nodeName, report.slowQueries);
        }
      }
      return { accepted, duplicates: batch.reports.length - accepted, commands };
    },

    async commandResult(actor, commandId, result) {
      const failedRestore = await store.transaction(async (db) => {
        const { rows } = await db.query<{
          node_id: string;
          state: string;
          pair_id: string;
          type: AgentCommand["type"];
          parameters: { backupType?: string };
        }>("SELECT node_id, state, pair_id, type, parameters FROM agent_commands WHERE id = $1 FOR UPDATE", [
          commandId,
        ]);
        const command = rows[0];
        if (command === undefined)
          throw new NotFoundError("command not found", { code: "command_not_found" });
        if (command.node_id !== actor.nodeId) throw new ForbiddenError("the command belongs to another node");
        if (command.state === "succeeded" || command.state === "failed") {
          throw new ConflictError("the command already has a result", { code: "command_finished" });
        }
        await db.query(
          "UPDATE agent_commands SET state = $2, started_at = $3, finished_at = $4, message = $5 WHERE id = $1",
          [commandId, result.outcome, result.startedAt, result.finishedAt, result.message],
        );
        const durationMs = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
        const event = resultEvent(command.type, command.parameters, actor.nodeName, result);
        await insertEvent(db, {
          pairId: command.pair_id,
          nodeName: actor.nodeName,
          type: event.type,
          message: event.message,
          occurredAt: new Date(result.finishedAt),
          durationMs: Math.max(0, durationMs),
          details: { ...event.details, commandId },
        });
        return command.type === "restore"
          ? recordRestoreResult(db, commandId, result.outcome === "succeeded", result.message)
          : null;
      });
      if (failedRestore !== null) await hooks.restoreFailed(failedRestore);
    },
  };
}
