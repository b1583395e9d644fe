// PostgresProbe over a real connection: the SQL lives in probe-sql.ts, this file maps rows to types.
import type { DatabaseMetrics } from "@pgaas/common/wire";
import type { PgConnection } from "./pg-connection.js";
import type { PostgresProbe, PostgresState, StandbyConnection } from "./probe.js";
import { ACCEPTS_WRITES_SQL, DATABASE_METRICS_SQL, STATE_SQL } from "./probe-sql.js";

interface StateRow {
  in_recovery: boolean;
  read_only: boolean;
  timeline: number | null;
  lsn: string | null;
  receive_lsn: string | null;
  lag_bytes: number | null;
  lag_seconds: number | null;
  synchronous_standby_names: string;
  standbys: StandbyConnection[];
  postmaster_started_at: Date;
  pending_restart: boolean;
}

interface MetricsRow {
  name: string;
  size_bytes: number;
  active: number;
  idle: number;
  idle_in_transaction: number;
  other: number;
  xact_commit: number;
  xact_rollback: number;
  blks_read: number;
  blks_hit: number;
  deadlocks: number;
  temp_bytes: number;
  stats_reset: Date | null;
}

export class PgProbe implements PostgresProbe {
  readonly #connection: PgConnection;

  constructor(connection: PgConnection) {
    this.#connection = connection;
  }

  async readState(): Promise<PostgresState> {
    const [row] = await this.#connection.query<StateRow>(STATE_SQL);
    if (!row) throw new Error("state query returned no row");
    return {
      inRecovery: row.in_recovery,
      readOnly: row.read_only,
      timeline: row.timeline,
      lsn: row.lsn,
      receiveLsn: row.receive_lsn,
      lagBytes: row.lag_bytes === null ? null : Math.round(row.lag_bytes),
      lagSeconds: row.lag_seconds,
      synchronousStandbyNames: row.synchronous_standby_names,
      streamingStandbys: row.standbys,
      postmasterStartedAt: row.postmaster_started_at.toISOString(),
      pendingRestart: row.pending_restart,
    };
  }

  async readDatabaseMetrics(): Promise<DatabaseMetrics[]> {
    const rows = await this.#connection.query<MetricsRow>(DATABASE_METRICS_SQL);
    return rows.map((row) => ({
      name: row.name,
      sizeBytes: row.size_bytes,
      connections: {
        active: row.active,
        idle: row.idle,
        idleInTransaction: row.idle_in_transaction,
        other: row.other,
      },
      xactCommit: row.xact_commit,
      xactRollback: row.xact_rollback,
      blksRead: row.blks_read,
      blksHit: row.blks_hit,
      deadlocks: row.deadlocks,
      tempBytes: row.temp_bytes,
      statsResetAt: row.stats_reset?.toISOString() ?? null,
    }));
  }

  async acceptsWrites(): Promise<boolean> {
    const [row] = await this.#connection.query<{ accepts_writes: boolean }>(ACCEPTS_WRITES_SQL);
    return row?.accepts_writes === true;
  }

  close(): Promise<void> {
    return this.#connection.close();
  }
}
