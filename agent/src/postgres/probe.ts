// What the agent needs from its local PostgreSQL, behind one small interface.
// Contract: every method either answers from the live server or throws PostgresUnreachableError;
// it never returns stale data. The real implementation is PgProbe; tests use an in-memory one.
import type { DatabaseMetrics } from "@pgaas/common/wire";

export interface StandbyConnection {
  readonly name: string;
  readonly state: string;
  readonly syncState: string;
}

/** One reading of the server's replication state (role-specific fields are null where they do not apply). */
export interface PostgresState {
  readonly inRecovery: boolean;
  /** default_transaction_read_only: a primary that refuses writes is not writable. */
  readonly readOnly: boolean;
  readonly timeline: number | null;
  readonly lsn: string | null;
  readonly receiveLsn: string | null;
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
  readonly synchronousStandbyNames: string;
  readonly streamingStandbys: readonly StandbyConnection[];
  readonly postmasterStartedAt: string;
  readonly pendingRestart: boolean;
}

export interface PostgresProbe {
  readState(): Promise<PostgresState>;
  /** Per-database usage counters (cluster-wide view, at most 1000 databases). */
  readDatabaseMetrics(): Promise<DatabaseMetrics[]>;
  /** A cheap live check for GET /primary: out of recovery and not read-only. */
  acceptsWrites(): Promise<boolean>;
  close(): Promise<void>;
}
