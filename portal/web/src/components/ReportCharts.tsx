// Charts of a control-plane report (database or pair), one per metric, on the report's time range.
import type { Report, ReportPoint } from "@pgaas/api";
import { formatBytes, formatNumber, formatPercent } from "../lib/format.js";
import { type ChartSeries, LineChart, type TickKind } from "./LineChart.js";

type NumericField = Exclude<keyof ReportPoint, "at">;

interface MetricChart {
  title: string;
  series: readonly { field: NumericField; name: string }[];
  format: (value: number) => string;
  ticks: TickKind;
}

export const METRIC_CHARTS = {
  size: {
    title: "Size",
    series: [{ field: "sizeBytes", name: "size" }],
    format: formatBytes,
    ticks: "bytes",
  },
  connections: {
    title: "Connections",
    series: [{ field: "connections", name: "connections" }],
    format: formatNumber,
    ticks: "integer",
  },
  tps: {
    title: "Transactions per second",
    series: [
      { field: "commitsPerSecond", name: "commits/s" },
      { field: "rollbacksPerSecond", name: "rollbacks/s" },
    ],
    format: (value: number) => formatNumber(value, value < 10 ? 2 : 0),
    ticks: "decimal",
  },
  cacheHit: {
    title: "Cache hit ratio",
    series: [{ field: "cacheHitRatio", name: "hit ratio" }],
    format: formatPercent,
    ticks: "decimal",
  },
  lagSeconds: {
    title: "Replication lag (seconds)",
    series: [{ field: "lagSeconds", name: "lag" }],
    format: (value: number) => `${formatNumber(value, 1)} s`,
    ticks: "decimal",
  },
  lagBytes: {
    title: "Replication lag (bytes)",
    series: [{ field: "lagBytes", name: "lag" }],
    format: formatBytes,
    ticks: "bytes",
  },
  deadlocks: {
    title: "Deadlocks",
    series: [{ field: "deadlocks", name: "deadlocks" }],
    format: formatNumber,
    ticks: "integer",
  },
  tempBytes: {
    title: "Temporary files",
    series: [{ field: "tempBytes", name: "temp bytes" }],
    format: formatBytes,
    ticks: "bytes",
  },
} as const satisfies Record<string, MetricChart>;

export type MetricKey = keyof typeof METRIC_CHARTS;

/** The points of a report as chart series for one metric. */
export function reportSeries(report: Report, metric: MetricKey): ChartSeries[] {
  return METRIC_CHARTS[metric].series.map(({ field, name }) => ({
    name,
    points: report.points.map((point) => ({ t: Date.parse(point.at), v: point[field] })),
  }));
}

/**
 * Where the time axis starts: the first point, so a fresh database's first minutes are readable instead
 * of squeezed against the right edge (and the bucket holding the range's start, which buckets aligned
 * to UTC may open a little earlier, stays on the chart); the range's start without data.
 */
export function axisStart(report: Report): number {
  const first = report.points[0];
  return first ? Date.parse(first.at) : Date.parse(report.from);
}

export function ReportCharts({ report, metrics }: { report: Report; metrics: readonly MetricKey[] }) {
  const from = axisStart(report);
  const to = Date.parse(report.to);
  return (
    <div className="grid-charts">
      {metrics.map((metric) => (
        <LineChart
          key={metric}
          title={METRIC_CHARTS[metric].title}
          series={reportSeries(report, metric)}
          formatValue={METRIC_CHARTS[metric].format}
          ticks={METRIC_CHARTS[metric].ticks}
          bucketMs={report.bucketSeconds * 1000}
          from={from}
          to={to}
        />
      ))}
    </div>
  );
}
