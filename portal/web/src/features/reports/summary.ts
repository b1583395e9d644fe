import type { ReportSummary } from "@pgaas/api";
import { formatBytes, formatDuration, formatNumber, formatPercent, formatUptime } from "../../lib/format.js";

const periodsMs = (periods: readonly { from: string; to: string }[]) =>
  periods.reduce((sum, p) => sum + (Date.parse(p.to) - Date.parse(p.from)), 0);

/** The summary rows, in the order and words of the printed report. */
export function summaryRows(summary: ReportSummary): [string, string][] {
  const downMs = summary.outages.reduce((sum, outage) => sum + outage.downSeconds * 1000, 0);
  return [
    ["Uptime", formatUptime(summary.uptimeRatio)],
    [
      "Outages",
      summary.outages.length === 0 ? "none" : `${summary.outages.length}, ${formatDuration(downMs)} down`,
    ],
    ["Failovers", String(summary.failovers)],
    [
      "Degraded periods",
      summary.degradedPeriods.length === 0
        ? "none"
        : `${summary.degradedPeriods.length}, ${formatDuration(periodsMs(summary.degradedPeriods))} in total`,
    ],
    ["Size growth", formatBytes(summary.sizeGrowthBytes)],
    ["Peak connections", formatNumber(summary.maxConnections)],
    ["Commits per second (mean)", formatNumber(summary.commitsPerSecond, 2)],
    ["Rollbacks per second (mean)", formatNumber(summary.rollbacksPerSecond, 2)],
    ["Cache hit ratio (mean)", formatPercent(summary.cacheHitRatio)],
    ["Deadlocks", formatNumber(summary.deadlocks)],
    ["Temporary files", formatBytes(summary.tempBytes)],
    [
      "Peak replication lag",
      `${formatBytes(summary.maxLagBytes)} / ${formatNumber(summary.maxLagSeconds, 1)} s`,
    ],
  ];
}
