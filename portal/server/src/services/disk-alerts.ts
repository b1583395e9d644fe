// A node's data disk crossing 80 % used becomes one `disk_usage_high` event (and so one alert), not
// one per report: the node's side of the threshold is kept, and it re-arms only below 75 %, so a
// disk hovering around 80 % does not alert on every wobble.
import type { MetricsReport } from "@pgaas/common/wire";
import type { Queryable } from "../store/db.js";
import { trackDiskSample } from "../store/disk-alerts.js";
import type { AgentActor } from "./actor.js";

export const DISK_HIGH_RATIO = 0.8;
export const DISK_REARM_RATIO = 0.75;

export async function trackDiskUsage(db: Queryable, actor: AgentActor, report: MetricsReport): Promise<void> {
  const { dataDiskUsedBytes: used, dataDiskTotalBytes: total } = report.host;
  if (total === 0) return;
  const ratio = used / total;
  const percent = Math.round(ratio * 1000) / 10;
  await trackDiskSample(db, {
    nodeId: actor.nodeId,
    nodeName: actor.nodeName,
    pairId: actor.pairId,
    sampledAt: report.sampledAt,
    ratio,
    highRatio: DISK_HIGH_RATIO,
    rearmRatio: DISK_REARM_RATIO,
    message: `${actor.nodeName}: data disk ${percent} % used`,
    details: { usedBytes: used, totalBytes: total, percent },
  });
}
