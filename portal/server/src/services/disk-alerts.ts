// A node's data disk crossing 80 % used becomes one `disk_usage_high` event (and so one alert), not
// one per report: the node's side of the threshold is kept, and it re-arms only below 75 %, so a
// disk hovering around 80 % does not alert on every wobble.
import type { MetricsReport } from "@pgaas/common/wire";
import type { Queryable } from "../store/db.js";
import type { AgentActor } from "./actor.js";

export const DISK_HIGH_RATIO = 0.8;
export const DISK_REARM_RATIO = 0.75;

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

export async function trackDiskUsage(db: Queryable, actor: AgentActor, report: MetricsReport): Promise<void> {
  const { dataDiskUsedBytes: used, dataDiskTotalBytes: total } = report.host;
  if (total === 0) return;
  const ratio = used / total;
  const percent = Math.round(ratio * 1000) / 10;
  await db.query(TRACK_SQL, [
    actor.nodeId,
    ratio,
    report.sampledAt,
    DISK_HIGH_RATIO,
    DISK_REARM_RATIO,
    actor.pairId,
    actor.nodeName,
    `${actor.nodeName}: data disk ${percent} % used`,
    JSON.stringify({ usedBytes: used, totalBytes: total, percent }),
  ]);
}
