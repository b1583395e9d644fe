// The agent → control plane wire format. Shared by agent/ (producer) and portal/server (consumer).
// Values on the wire never change meaning once shipped: add optional fields, never repurpose one.
import { z } from "zod";
import { BackupInventory, BackupType } from "./backup-inventory.js";
import { ClientAuthBundle } from "./client-auth.js";
import { PG_NAME_PATTERN } from "./names.js";
import { PointInTimeParameters } from "./point-in-time.js";
import { RestoreTime } from "./restore-target.js";

/** What a node is right now, as its own PostgreSQL and repmgr say. */
export const NodeRole = z.enum(["primary", "standby", "down", "unknown"]);
export type NodeRole = z.infer<typeof NodeRole>;

/**
 * Replication durability as seen from the primary: `sync` while a standby confirms commits,
 * `degraded` when synchronous replication was switched off because the standby is gone,
 * `async` when the pair is configured asynchronous, `none` on a standby or a down node.
 */
export const SyncState = z.enum(["sync", "degraded", "async", "none"]);
export type SyncState = z.infer<typeof SyncState>;

/** An LSN as PostgreSQL prints it, e.g. "0/3000148". */
export const Lsn = z.string().regex(/^[0-9A-F]{1,8}\/[0-9A-F]{1,8}$/i, "an LSN like 0/3000148");

export const HealState = z.enum(["none", "rejoining", "awaiting_decision"]);
export type HealState = z.infer<typeof HealState>;

/** One automatic-rejoin step of a node's agent, reported as a pair event. */
export const HealEventType = z.enum([
  "superseded_fenced",
  "rejoin_started",
  "rejoin_succeeded",
  "rejoin_failed",
  "awaiting_decision",
]);
export type HealEventType = z.infer<typeof HealEventType>;

export const HealEvent = z.object({
  type: HealEventType,
  /** Why, in words a person can act on (for awaiting_decision: what must be decided). */
  reason: z.string().min(1).max(2000),
  /** From rejoin_started to this event; null for events that are not the end of an attempt. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** 1-based attempt number since the node last needed a rejoin. */
  attempt: z.number().int().nonnegative(),
  /** "pg_rewind" or "fresh clone" on success. */
  method: z.string().max(100).nullable(),
});
export type HealEvent = z.infer<typeof HealEvent>;

export const StateSample = z.object({
  role: NodeRole,
  /** True when this node stopped itself because it could see neither its peer nor the witness. */
  fenced: z.boolean(),
  /** Accepts writes right now: primary, not fenced, not read-only. */
  writable: z.boolean(),
  timeline: z.number().int().nonnegative().nullable(),
  /** pg_current_wal_lsn() on a primary, pg_last_wal_replay_lsn() on a standby. */
  lsn: Lsn.nullable(),
  /** pg_last_wal_receive_lsn() on a standby. */
  receiveLsn: Lsn.nullable(),
  lagBytes: z.number().int().nonnegative().nullable(),
  lagSeconds: z.number().nonnegative().nullable(),
  syncState: SyncState,
  /** The effective synchronous_standby_names, "" when asynchronous. */
  synchronousStandbyNames: z.string(),
  /** Standbys streaming from this node (primary only). */
  streamingStandbys: z.array(z.object({ name: z.string(), state: z.string(), syncState: z.string() })),
  /** When the postmaster started (ISO 8601), null when down. */
  postmasterStartedAt: z.iso.datetime({ offset: true }).nullable(),
  repmgr: z.object({
    nodeId: z.number().int().positive().nullable(),
    /** `repmgr node status`/`cluster show` summary: "running", "unreachable", "paused", …. */
    status: z.string(),
    upstreamNode: z.string().nullable(),
  }),
  pendingRestart: z.boolean(),
  error: z.string().nullable(),
  /** Automatic rejoin: `rejoining` while the agent turns this node into the standby, `awaiting_decision`
   * when it may hold the only copy of acknowledged writes and a person must choose. Absent: "none". */
  heal: HealState.optional(),
  /** The client-auth version (CRL number) this node's PostgreSQL uses; absent or null: none yet. */
  clientAuthVersion: z.number().int().positive().nullable().optional(),
});
export type StateSample = z.infer<typeof StateSample>;

export const DatabaseMetrics = z.object({
  name: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  connections: z.object({
    active: z.number().int().nonnegative(),
    idle: z.number().int().nonnegative(),
    idleInTransaction: z.number().int().nonnegative(),
    other: z.number().int().nonnegative(),
  }),
  /** Cumulative counters from pg_stat_database; the control plane derives rates. */
  xactCommit: z.number().int().nonnegative(),
  xactRollback: z.number().int().nonnegative(),
  blksRead: z.number().int().nonnegative(),
  blksHit: z.number().int().nonnegative(),
  deadlocks: z.number().int().nonnegative(),
  tempBytes: z.number().int().nonnegative(),
  /** pg_stat_database.stats_reset, so a counter reset is not read as a negative rate. */
  statsResetAt: z.iso.datetime({ offset: true }).nullable(),
});
export type DatabaseMetrics = z.infer<typeof DatabaseMetrics>;

export const HostMetrics = z.object({
  dataDiskUsedBytes: z.number().int().nonnegative(),
  dataDiskTotalBytes: z.number().int().nonnegative(),
  load1: z.number().nonnegative(),
  memoryUsedBytes: z.number().int().nonnegative(),
  memoryTotalBytes: z.number().int().nonnegative(),
});
export type HostMetrics = z.infer<typeof HostMetrics>;

/**
 * One statement the node's server log recorded as slower than log_min_duration_statement. Never its
 * text: the log's statement carries literals (which may be secrets); the control plane shows the
 * normalised text pg_stat_statements keeps under the same query id.
 */
export const SlowQuery = z.object({
  at: z.iso.datetime({ offset: true }),
  database: z.string().min(1).max(63),
  user: z.string().min(1).max(63),
  /** pg_stat_statements' queryid (a signed 64-bit integer, as text). */
  queryId: z.string().regex(/^-?\d{1,20}$/),
  durationMs: z.number().nonnegative(),
});
export type SlowQuery = z.infer<typeof SlowQuery>;
/** At most this many per report; the agent leaves the rest in the log for its next report. */
export const MAX_SLOW_QUERIES_PER_REPORT = 1000;

const reportBase = {
  /** Unique per report; a replayed report with a known id is acknowledged and not counted again. */
  reportId: z.uuid(),
  /** When the agent took the sample (not when it was sent: spooled reports arrive late). */
  sampledAt: z.iso.datetime({ offset: true }),
  /** Monotonic per agent process start; with `agentStartedAt` it orders reports from one agent. */
  sequence: z.number().int().nonnegative(),
  agentStartedAt: z.iso.datetime({ offset: true }),
};

export const StateReport = z.object({ ...reportBase, kind: z.literal("state"), state: StateSample });
export const MetricsReport = z.object({
  ...reportBase,
  kind: z.literal("metrics"),
  databases: z.array(DatabaseMetrics).max(1000),
  host: HostMetrics,
  /** The primary's view of the pair's backups; absent on a standby, without backups, or when pgBackRest did not answer. */
  backups: BackupInventory.optional(),
  /** Statements the node's log recorded as slow since the previous report (absent: none, or no log). */
  slowQueries: z.array(SlowQuery).max(MAX_SLOW_QUERIES_PER_REPORT).optional(),
});
export const HealReport = z.object({ ...reportBase, kind: z.literal("heal"), event: HealEvent });
export const AgentReport = z.discriminatedUnion("kind", [StateReport, MetricsReport, HealReport]);
export type StateReport = z.infer<typeof StateReport>;
export type HealReport = z.infer<typeof HealReport>;
export type MetricsReport = z.infer<typeof MetricsReport>;
export type AgentReport = z.infer<typeof AgentReport>;

/** Body of POST /v1/agent/report: one or more reports, oldest first (spool replays send batches). */
export const AgentReportBatch = z.object({ reports: z.array(AgentReport).min(1).max(500) });
export type AgentReportBatch = z.infer<typeof AgentReportBatch>;

/**
 * Work the control plane asks an agent to do, returned with a report acknowledgement. The agent
 * runs it on its own host (no control-plane SSH to database hosts) and posts the outcome to
 * POST /v1/agent/commands/{id}/result.
 */
const RestoreName = z.string().regex(PG_NAME_PATTERN);

/** `restore`: one database as of a point in time into a new database owned by an existing tenant role. */
export const RestoreParameters = z.object({
  /** The database as it was at the target (it may have been dropped since). */
  database: RestoreName,
  newName: RestoreName,
  owner: RestoreName,
  /** Absent: the latest archived state. */
  time: RestoreTime.optional(),
  backup: z.string().min(1).max(100).optional(),
});
export type RestoreParameters = z.infer<typeof RestoreParameters>;

export const AgentCommand = z.object({
  id: z.uuid(),
  /**
   * `verify_backup`: the restore check, by the standby (the primary of a pair without one).
   * `set_pooled_databases`: the full list PgBouncer serves, sent to both nodes, applied by a reload.
   * `describe_point_in_time`: the whole pair as of a time in a scratch instance, by the standby (the
   * primary of a pair without a healthy one); the result's message carries each database's figures.
   */
  type: z.enum([
    "switchover",
    "backup",
    "restore",
    "verify_backup",
    "set_pooled_databases",
    "describe_point_in_time",
  ]),
  requestedAt: z.iso.datetime({ offset: true }),
  /** `backup` only: which kind (default full). */
  backupType: BackupType.optional(),
  /** `restore` only. */
  restore: RestoreParameters.optional(),
  /** `set_pooled_databases` only: every database to pool (the others are refused on the pooler port). */
  pooledDatabases: z.array(RestoreName).max(1000).optional(),
  /** `describe_point_in_time` only. */
  pointInTime: PointInTimeParameters.optional(),
});
export type AgentCommand = z.infer<typeof AgentCommand>;

export const AgentReportAck = z.object({
  accepted: z.number().int().nonnegative(),
  duplicates: z.number().int().nonnegative(),
  commands: z.array(AgentCommand),
  /** The pair's client CA and CRL, sent when the node reported an older version (or none). */
  clientAuth: ClientAuthBundle.optional(),
});
export type AgentReportAck = z.infer<typeof AgentReportAck>;

export const AgentCommandResult = z.object({
  outcome: z.enum(["succeeded", "failed"]),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }),
  message: z.string().max(4000),
});
export type AgentCommandResult = z.infer<typeof AgentCommandResult>;

/** Header carrying the node's agent token: `Authorization: Bearer <token>`. */
export const AGENT_REPORT_PATH = "/v1/agent/report";
