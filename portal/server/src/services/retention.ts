// Time-series retention: raw samples older than `rawDays` are rolled up into hourly rows, then deleted;
// report ids older than `seenDays` are forgotten (a replay older than that is refused by agents' spools);
// finished alert deliveries older than `alertDays` leave the delivery log; slow statements go after
// `rawDays`, like the raw samples.
import type { Store } from "../store/db.js";
import { deleteSlowQueriesBefore } from "../store/slow-queries.js";
import { ROLLUP_UP_SECONDS_SQL, VOUCH_SECONDS } from "./report-uptime.js";

export interface RetentionPolicy {
  readonly rawDays: number;
  readonly seenDays: number;
  readonly alertDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, seenDays: 7, alertDays: 30 };

export async function applyRetention(
  store: Store,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<void> {
  // Whole hours: a roll-up hour is complete when written, and raw samples start where roll-ups end.
  const rawCutoff = new Date(
    Math.floor((now.getTime() - policy.rawDays * 86_400_000) / 3_600_000) * 3_600_000,
  );
  const seenCutoff = new Date(now.getTime() - policy.seenDays * 86_400_000);
  const alertCutoff = new Date(now.getTime() - policy.alertDays * 86_400_000);
  await store.transaction(async (db) => {
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
    await db.query(ROLLUP_UP_SECONDS_SQL, [rawCutoff, VOUCH_SECONDS]);
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
    await deleteSlowQueriesBefore(db, rawCutoff);
    await db.query("DELETE FROM seen_reports WHERE received_at < $1", [seenCutoff]);
    // A pending delivery stays however old: it is still owed to its receiver.
    await db.query("DELETE FROM alert_deliveries WHERE created_at < $1 AND state <> 'pending'", [
      alertCutoff,
    ]);
  });
}
