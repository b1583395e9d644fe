// node_disk_alerts: which side of the disk threshold each node is on, and the event of a crossing.
import type { Queryable } from "./db.js";

// One statement, so the state and its event are stored together or not at all. Only a newer sample
// moves the state (spooled reports arrive late and out of order).
const TRACK_SQL = `
  WITH prev AS (SELECT high FROM node_disk_alerts WHERE node_id = $1),
  next AS (INSERT INTO node_disk_alerts (node_id, high, sampled_at) VALUES ($1, $2::float8 >= $4, $3)
    ON CONFLICT (node_id) DO UPDATE SET sampled_at = excluded.sampled_at,
      high = CASE WHEN $2::float8 >= $4 THEN true WHEN $2::float8 < $5 THEN false ELSE node_disk_alerts.high END
    WHERE node_disk_alerts.sampled_at < excluded.sampled_at RETURNING high)
  INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at, details)
  SELECT $6, $7, 'disk_usage_high', $8, $3, $9
   WHERE (SELECT high FROM next) AND NOT coalesce((SELECT high FROM prev), false)`;

export interface DiskSample {
  readonly nodeId: string;
  readonly nodeName: string;
  readonly pairId: string;
  readonly sampledAt: string;
  readonly ratio: number;
  readonly highRatio: number;
  readonly rearmRatio: number;
  readonly message: string;
  readonly details: Record<string, unknown>;
}

/** Moves the node's side of the threshold; a crossing upwards records a disk_usage_high event. */
export async function trackDiskSample(db: Queryable, sample: DiskSample): Promise<void> {
  await db.query(TRACK_SQL, [
    sample.nodeId,
    sample.ratio,
    sample.sampledAt,
    sample.highRatio,
    sample.rearmRatio,
    sample.pairId,
    sample.nodeName,
    sample.message,
    JSON.stringify(sample.details),
  ]);
}
