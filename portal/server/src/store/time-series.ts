// The time series: state_samples and database_samples (raw, within the retention window) and their
// hourly roll-ups (state_rollups, database_rollups), as reports and retention read and write them.
import type { Outage } from "@pgaas/api";
import type { Queryable } from "./db.js";

/**
 * Per node and hour before $1 (a whole hour), the seconds its writable reports vouched for. The lag runs
 * over the whole pair, so two nodes never vouch for the same second; a report whose predecessor is gone
 * (rolled up earlier) vouches no further back than its own hour, which that earlier run already counted.
 */
export const ROLLUP_UP_SECONDS_SQL = `
  WITH w AS (
    SELECT ss.node_id, ss.sampled_at AS at,
           greatest(ss.sampled_at - make_interval(secs => $2),
                    coalesce(lag(ss.sampled_at) OVER (PARTITION BY n.pair_id ORDER BY ss.sampled_at),
                             date_trunc('hour', ss.sampled_at))) AS since
      FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
     WHERE ss.writable AND NOT ss.fenced AND ss.sampled_at < $1::timestamptz + make_interval(secs => $2)),
  parts AS (
    SELECT node_id, date_trunc('hour', since) AS bucket,
           extract(epoch FROM least(at, date_trunc('hour', since) + interval '1 hour') - since) AS seconds FROM w
    UNION ALL
    SELECT node_id, date_trunc('hour', at), extract(epoch FROM at - date_trunc('hour', at)) FROM w
     WHERE date_trunc('hour', at) > since)
  INSERT INTO state_rollups (node_id, bucket, samples, writable_samples, degraded_samples, up_seconds)
  SELECT node_id, bucket, 0, 0, 0, sum(seconds) FROM parts WHERE bucket < $1 GROUP BY 1, 2
  ON CONFLICT (node_id, bucket) DO UPDATE SET up_seconds = state_rollups.up_seconds + excluded.up_seconds`;

// The stretches of [$2, $3) no raw writable report vouched for, in order.
const RAW_OUTAGES_SQL = `
  WITH w AS (
    SELECT ss.sampled_at AS at, lag(ss.sampled_at) OVER (ORDER BY ss.sampled_at) AS prev
      FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
     WHERE n.pair_id = $1 AND ss.writable AND NOT ss.fenced
       AND ss.sampled_at > $2 AND ss.sampled_at < $3::timestamptz + make_interval(secs => $4))
  SELECT coalesce(prev, $2) AS started_at, least(at - make_interval(secs => $4), $3) AS ended_at FROM w
   WHERE at - make_interval(secs => $4) > coalesce(prev, $2) AND coalesce(prev, $2) < $3
  UNION ALL
  SELECT coalesce(max(at), $2), $3 FROM w HAVING coalesce(max(at), $2) < $3
  ORDER BY 1`;

// Reset-aware delta of a cumulative counter against the previous sample of the same node.
const delta = (column: string) =>
  `CASE WHEN lag(${column}) OVER w IS NULL THEN 0 WHEN ${column} >= lag(${column}) OVER w THEN ${column} - lag(${column}) OVER w ELSE ${column} END`;

// Raw samples (within the retention window) and hourly roll-ups (older) in the same buckets.
const DATABASE_BUCKETS_SQL = `
  WITH s AS (
    SELECT node_id, database_name, sampled_at, size_bytes, connections,
           ${delta("xact_commit")} AS commits, ${delta("xact_rollback")} AS rollbacks,
           ${delta("blks_read")} AS blks_read, ${delta("blks_hit")} AS blks_hit,
           ${delta("deadlocks")} AS deadlocks, ${delta("temp_bytes")} AS temp_bytes,
           coalesce(extract(epoch FROM sampled_at - lag(sampled_at) OVER w), 0) AS seconds
      FROM database_samples
     WHERE node_id = ANY($1::uuid[]) AND ($2::text IS NULL OR database_name = $2)
       AND sampled_at >= $6 AND sampled_at < $4
    WINDOW w AS (PARTITION BY node_id, database_name ORDER BY sampled_at)),
  raw AS (
    SELECT node_id, database_name, sampled_at AS at, size_bytes, connections, commits, rollbacks, blks_read, blks_hit,
           deadlocks, temp_bytes, seconds FROM s WHERE sampled_at >= $3),
  rolled AS (
    SELECT node_id, database_name, bucket AS at, size_bytes, max_connections AS connections, commits, rollbacks,
           blks_read, blks_hit, deadlocks, temp_bytes, extract(epoch FROM last_sampled_at - first_sampled_at) AS seconds
      FROM database_rollups
     WHERE node_id = ANY($1::uuid[]) AND ($2::text IS NULL OR database_name = $2) AND bucket >= $3 AND bucket < $4)
  SELECT node_id, database_name, date_bin(make_interval(secs => $5), at, 'epoch'::timestamptz) AS bucket,
         max(size_bytes) AS size_bytes, max(connections) AS connections, sum(commits) AS commits,
         sum(rollbacks) AS rollbacks, sum(blks_read) AS blks_read, sum(blks_hit) AS blks_hit,
         sum(deadlocks) AS deadlocks, sum(temp_bytes) AS temp_bytes, sum(seconds) AS seconds
    FROM (SELECT * FROM raw UNION ALL SELECT * FROM rolled) AS both_sources GROUP BY 1, 2, 3 ORDER BY 3`;

const STATE_BUCKETS_SQL = `
  SELECT date_bin(make_interval(secs => $4), at, 'epoch'::timestamptz) AS bucket, bool_or(writable) AS writable,
         max(lag_bytes) AS lag_bytes, max(lag_seconds) AS lag_seconds
    FROM (
      SELECT ss.sampled_at AS at, ss.writable AND NOT ss.fenced AS writable,
             CASE WHEN ss.role = 'standby' THEN ss.lag_bytes END AS lag_bytes,
             CASE WHEN ss.role = 'standby' THEN ss.lag_seconds END AS lag_seconds
        FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
       WHERE n.pair_id = $1 AND ss.sampled_at >= $2 AND ss.sampled_at < $3
      UNION ALL
      SELECT r.bucket, r.writable_samples > 0, r.max_lag_bytes, r.max_lag_seconds
        FROM state_rollups r JOIN nodes n ON n.id = r.node_id
       WHERE n.pair_id = $1 AND r.bucket >= $2 AND r.bucket < $3) AS both_sources
   GROUP BY 1 ORDER BY 1`;

export interface DatabaseBucket {
  readonly nodeId: string;
  readonly database: string;
  readonly bucket: Date;
  readonly sizeBytes: number;
  readonly connections: number;
  readonly commits: number;
  readonly rollbacks: number;
  readonly blksRead: number;
  readonly blksHit: number;
  readonly deadlocks: number;
  readonly tempBytes: number;
  readonly seconds: number;
}

export interface StateBucket {
  readonly bucket: Date;
  readonly writable: boolean;
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
}

export interface DatabaseBucketQuery {
  readonly nodeIds: readonly string[];
  /** null: every database of the nodes. */
  readonly database: string | null;
  readonly from: Date;
  readonly to: Date;
  readonly bucketSeconds: number;
  /** Where raw samples start to count, for the rates of the first bucket. */
  readonly baselineFrom: Date;
}

export async function databaseBuckets(db: Queryable, query: DatabaseBucketQuery): Promise<DatabaseBucket[]> {
  const { rows } = await db.query<{
    node_id: string;
    database_name: string;
    bucket: Date;
    size_bytes: number;
    connections: number;
    commits: number;
    rollbacks: number;
    blks_read: number;
    blks_hit: number;
    deadlocks: number;
    temp_bytes: number;
    seconds: number;
  }>(DATABASE_BUCKETS_SQL, [
    query.nodeIds,
    query.database,
    query.from,
    query.to,
    query.bucketSeconds,
    query.baselineFrom,
  ]);
  return rows.map((row) => ({
    nodeId: row.node_id,
    database: row.database_name,
    bucket: row.bucket,
    sizeBytes: row.size_bytes,
    connections: row.connections,
    commits: row.commits,
    rollbacks: row.rollbacks,
    blksRead: row.blks_read,
    blksHit: row.blks_hit,
    deadlocks: row.deadlocks,
    tempBytes: row.temp_bytes,
    seconds: row.seconds,
  }));
}

export async function stateBuckets(
  db: Queryable,
  pairId: string,
  from: Date,
  to: Date,
  bucketSeconds: number,
): Promise<StateBucket[]> {
  const { rows } = await db.query<{
    bucket: Date;
    writable: boolean;
    lag_bytes: number | null;
    lag_seconds: number | null;
  }>(STATE_BUCKETS_SQL, [pairId, from, to, bucketSeconds]);
  return rows.map((row) => ({
    bucket: row.bucket,
    writable: row.writable,
    lagBytes: row.lag_bytes,
    lagSeconds: row.lag_seconds,
  }));
}

/** The pair's writable samples in [from, to), in order, and whether sync replication was degraded. */
export async function writableSamples(
  db: Queryable,
  pairId: string,
  from: Date,
  to: Date,
): Promise<{ at: Date; degraded: boolean }[]> {
  const { rows } = await db.query<{ at: Date; degraded: boolean }>(
    `SELECT ss.sampled_at AS at, ss.sync_state = 'degraded' AS degraded FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
      WHERE n.pair_id = $1 AND ss.writable AND ss.sampled_at >= $2 AND ss.sampled_at < $3 ORDER BY ss.sampled_at`,
    [pairId, from, to],
  );
  return rows;
}

/** The pair's rolled-up up seconds per hour (ms since epoch) from the hour of `from` until `until`. */
export async function hourlyUpSeconds(
  db: Queryable,
  pairId: string,
  from: Date,
  until: Date,
): Promise<Map<number, number>> {
  const { rows } = await db.query<{ bucket: Date; up_seconds: number }>(
    `SELECT r.bucket, sum(r.up_seconds)::float8 AS up_seconds FROM state_rollups r JOIN nodes n ON n.id = r.node_id
      WHERE n.pair_id = $1 AND r.bucket >= date_trunc('hour', $2::timestamptz) AND r.bucket < $3 GROUP BY 1`,
    [pairId, from, until],
  );
  return new Map(rows.map((row) => [row.bucket.getTime(), row.up_seconds]));
}

/** Where the pair's roll-ups end (raw samples start there), or null without roll-ups. */
export async function rollupsEndAt(db: Queryable, pairId: string): Promise<Date | null> {
  const { rows } = await db.query<{ ends_at: Date | null }>(
    `SELECT max(r.bucket) + interval '1 hour' AS ends_at FROM state_rollups r JOIN nodes n ON n.id = r.node_id
      WHERE n.pair_id = $1`,
    [pairId],
  );
  return rows[0]?.ends_at ?? null;
}

/** The stretches of [from, until) no raw writable report vouched for (each vouching `vouchSeconds` back). */
export async function rawOutages(
  db: Queryable,
  pairId: string,
  from: Date,
  until: Date,
  vouchSeconds: number,
): Promise<Outage[]> {
  const { rows } = await db.query<{ started_at: Date; ended_at: Date }>(RAW_OUTAGES_SQL, [
    pairId,
    from,
    until,
    vouchSeconds,
  ]);
  return rows.map((row) => ({
    from: row.started_at.toISOString(),
    to: row.ended_at.toISOString(),
    downSeconds: (row.ended_at.getTime() - row.started_at.getTime()) / 1000,
  }));
}
