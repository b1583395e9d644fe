// Reports from the stored time series: raw samples and, beyond the raw retention window, hourly roll-ups.
// A report starts when its subject was created: a database is not charged with what happened before it.
import type { Report, ReportQuery } from "@pgaas/api";
import type { Store } from "../store/db.js";
import type { UserActor } from "./actor.js";
import type { Databases } from "./databases.js";
import type { Pairs } from "./pairs.js";
import {
  bucketSeconds,
  type DatabaseBucket,
  databasePoints,
  degradedPeriods,
  type StateBucket,
  summarize,
} from "./report-math.js";
import { pairAvailability } from "./report-uptime.js";
import { DEFAULT_RETENTION } from "./retention.js";

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

export interface Reports {
  database(actor: UserActor, id: string, query: ReportQuery): Promise<Report>;
  pair(id: string, query: ReportQuery): Promise<Report>;
}

export function createReports(
  store: Store,
  pairs: Pairs,
  databases: Databases,
  now: () => Date = () => new Date(),
): Reports {
  const build = async (
    subject: Report["subject"],
    pairId: string,
    database: string | null,
    query: ReportQuery,
    createdAt: string,
  ): Promise<Report> => {
    const to = new Date(query.to);
    const from = new Date(Math.min(Math.max(Date.parse(query.from), Date.parse(createdAt)), to.getTime()));
    const rawSince = now().getTime() - DEFAULT_RETENTION.rawDays * 86_400_000;
    const bucket = bucketSeconds(from.getTime(), to.getTime(), from.getTime() < rawSince);
    // Rates need the sample before the first bucket, but never one from before the subject existed
    // (a database of the same name dropped earlier).
    const baselineFrom = new Date(Math.max(from.getTime() - 3600_000, Date.parse(createdAt)));
    const { rows: nodes } = await store.query<{ id: string }>("SELECT id FROM nodes WHERE pair_id = $1", [
      pairId,
    ]);
    const nodeIds = nodes.map((node) => node.id);
    const [dbRows, stateRows, samples, failovers, availability] = await Promise.all([
      store.query<{
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
      }>(DATABASE_BUCKETS_SQL, [nodeIds, database, from, to, bucket, baselineFrom]),
      store.query<{ bucket: Date; writable: boolean; lag_bytes: number | null; lag_seconds: number | null }>(
        STATE_BUCKETS_SQL,
        [pairId, from, to, bucket],
      ),
      store.query<{ at: Date; degraded: boolean }>(
        `SELECT ss.sampled_at AS at, ss.sync_state = 'degraded' AS degraded FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
          WHERE n.pair_id = $1 AND ss.writable AND ss.sampled_at >= $2 AND ss.sampled_at < $3 ORDER BY ss.sampled_at`,
        [pairId, from, to],
      ),
      store.query<{ count: number }>(
        "SELECT count(*)::int AS count FROM pair_events WHERE pair_id = $1 AND type = 'failover' AND occurred_at >= $2 AND occurred_at < $3",
        [pairId, from, to],
      ),
      pairAvailability(store, pairId, from.getTime(), to.getTime(), now().getTime()),
    ]);
    const buckets: DatabaseBucket[] = dbRows.rows.map((row) => ({
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
    const states: StateBucket[] = stateRows.rows.map((row) => ({
      bucket: row.bucket,
      writable: row.writable,
      lagBytes: row.lag_bytes,
      lagSeconds: row.lag_seconds,
    }));
    const points = databasePoints(buckets, states);
    return {
      subject,
      from: from.toISOString(),
      to: to.toISOString(),
      bucketSeconds: bucket,
      points,
      summary: summarize(points, availability, failovers.rows[0]?.count ?? 0, degradedPeriods(samples.rows)),
    };
  };

  return {
    async database(actor, id, query) {
      const found = await databases.get(actor, id);
      return build(
        { kind: "database", id, name: found.name },
        found.pairId,
        found.name,
        query,
        found.createdAt,
      );
    },
    async pair(id, query) {
      const pair = await pairs.get(id);
      return build({ kind: "pair", id, name: pair.name }, id, null, query, pair.createdAt);
    },
  };
}
