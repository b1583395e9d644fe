// Agent reports as stored: the report id (de-duplication), raw samples, each node's latest state and
// database metrics, heal events, and the pending commands handed over with the acknowledgement.
import type { AgentCommand, AgentReport, HealReport, MetricsReport, StateReport } from "@pgaas/common/wire";
import type pg from "pg";
import type { Queryable } from "./db.js";

/** The reporting node and its pair. */
export interface Reporter {
  readonly nodeId: string;
  readonly nodeName: string;
  readonly pairId: string;
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
    'backupType', parameters->>'backupType', 'restore', parameters->'restore',
    'pooledDatabases', parameters->'pooledDatabases', 'pointInTime', parameters->'pointInTime'))), '[]')
    FROM cmds) AS commands`;

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

export interface IngestRow {
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
  actor: Reporter,
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

export function storeState(db: pg.Pool, actor: Reporter, report: StateReport): Promise<IngestRow> {
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

export function storeHealEvent(db: pg.Pool, actor: Reporter, report: HealReport): Promise<IngestRow> {
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

export function storeMetrics(db: pg.Pool, actor: Reporter, report: MetricsReport): Promise<IngestRow> {
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

/**
 * Before `at`: when another node of the pair was last seen writable, and whether a switchover is
 * running or ended within the last minute (a promotion then is no failover).
 */
export async function peerWritableContext(
  db: Queryable,
  actor: Reporter,
  at: Date,
): Promise<{ peerLastWritableAt: Date | null; switchoverInFlight: boolean }> {
  const { rows } = await db.query<{ at: Date | null; switching: boolean }>(
    `SELECT (SELECT max(ss.sampled_at) FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
              WHERE n.pair_id = $1 AND n.id <> $2 AND ss.writable AND ss.sampled_at <= $3) AS at,
            EXISTS (SELECT 1 FROM agent_commands WHERE pair_id = $1 AND type = 'switchover'
                     AND (state IN ('pending', 'delivered') OR finished_at > $3::timestamptz - interval '60 seconds')) AS switching`,
    [actor.pairId, actor.nodeId, at],
  );
  return { peerLastWritableAt: rows[0]?.at ?? null, switchoverInFlight: rows[0]?.switching ?? false };
}
