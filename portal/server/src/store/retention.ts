// Retention: raw samples before the cutoff become hourly roll-ups and are deleted; old report ids and
// finished alert deliveries are forgotten.
import type { Queryable } from "./db.js";
import { ROLLUP_UP_SECONDS_SQL } from "./time-series.js";

export interface RetentionCutoffs {
  /** A whole hour: raw samples before it are rolled up and deleted. */
  readonly rawCutoff: Date;
  readonly seenCutoff: Date;
  readonly alertCutoff: Date;
  /** How far back a writable report vouches for the pair's uptime. */
  readonly vouchSeconds: number;
}

/** Run in one transaction: a roll-up and the deletion of what it rolled up happen together. */
export async function rollUpAndPrune(db: Queryable, cutoffs: RetentionCutoffs): Promise<void> {
  const { rawCutoff, seenCutoff, alertCutoff, vouchSeconds } = cutoffs;
  await db.query(
    `INSERT INTO state_rollups (node_id, bucket, samples, writable_samples, degraded_samples, max_lag_bytes, max_lag_seconds)
     SELECT node_id, date_trunc('hour', sampled_at), count(*), count(*) FILTER (WHERE writable),
            count(*) FILTER (WHERE sync_state = 'degraded'),
            max(lag_bytes) FILTER (WHERE role = 'standby'), max(lag_seconds) FILTER (WHERE role = 'standby')
       FROM state_samples WHERE sampled_at < $1 GROUP BY 1, 2
     ON CONFLICT (node_id, bucket) DO UPDATE SET samples = state_rollups.samples + excluded.samples,
       writable_samples = state_rollups.writable_samples + excluded.writable_samples,
       degraded_samples = state_rollups.degraded_samples + excluded.degraded_samples,
       max_lag_bytes = greatest(state_rollups.max_lag_bytes, excluded.max_lag_bytes),
       max_lag_seconds = greatest(state_rollups.max_lag_seconds, excluded.max_lag_seconds)`,
    [rawCutoff],
  );
  await db.query(ROLLUP_UP_SECONDS_SQL, [rawCutoff, vouchSeconds]);
  await db.query("DELETE FROM state_samples WHERE sampled_at < $1", [rawCutoff]);
  await db.query(
    `INSERT INTO database_rollups (node_id, database_name, bucket, first_sampled_at, last_sampled_at, size_bytes,
            max_connections, commits, rollbacks, blks_read, blks_hit, deadlocks, temp_bytes)
     SELECT node_id, database_name, date_trunc('hour', sampled_at), min(sampled_at), max(sampled_at), max(size_bytes),
            max(connections), max(xact_commit) - min(xact_commit), max(xact_rollback) - min(xact_rollback),
            max(blks_read) - min(blks_read), max(blks_hit) - min(blks_hit), max(deadlocks) - min(deadlocks),
            max(temp_bytes) - min(temp_bytes)
       FROM database_samples WHERE sampled_at < $1 GROUP BY 1, 2, 3
     ON CONFLICT (node_id, database_name, bucket) DO NOTHING`,
    [rawCutoff],
  );
  await db.query("DELETE FROM database_samples WHERE sampled_at < $1", [rawCutoff]);
  await db.query("DELETE FROM slow_queries WHERE at < $1", [rawCutoff]);
  await db.query("DELETE FROM seen_reports WHERE received_at < $1", [seenCutoff]);
  // A pending delivery stays however old: it is still owed to its receiver.
  await db.query("DELETE FROM alert_deliveries WHERE created_at < $1 AND state <> 'pending'", [alertCutoff]);
}
