import type { ReportSummary } from "@pgaas/api";
import { formatBytes, formatDuration, formatNumber, formatPercent } from "../../lib/format.js";

/** The summary rows, in the order and words of the printed report. */
export function summaryRows(summary: ReportSummary): [string, string][] {
  const degradedMs = summary.degradedPeriods.reduce(
    (sum, p) => sum + (Date.parse(p.to) - Date.parse(p.from)),
    0,
  );
  return [
    ["Size growth", formatBytes(summary.sizeGrowthBytes)],
    ["Peak connections", formatNumber(summary.maxConnections)],
    ["Commits per second (mean)", formatNumber(summary.commitsPerSecond, 2)],
    ["Rollbacks per second (mean)", formatNumber(summary.rollbacksPerSecond, 2)],
    ["Cache hit ratio", formatPercent(summary.cacheHitRatio)],
    ["Deadlocks", formatNumber(summary.deadlocks)],
    ["Temporary bytes", formatBytes(summary.tempBytes)],
    [
      "Peak replication lag",
      `${formatBytes(summary.maxLagBytes)} / ${formatNumber(summary.maxLagSeconds, 1)} s`,
    ],
    ["Uptime (writable primary)", formatPercent(summary.uptimeRatio)],
    ["Failovers", String(summary.failovers)],
    [
      "Degraded periods",
      summary.degradedPeriods.length === 0
        ? "none"
        : `${summary.degradedPeriods.length} (${formatDuration(degradedMs)} in total)`,
    ],
  ];
}
