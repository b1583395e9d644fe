// Pure: a report as CSV or as a printable HTML page.
import type { Report, ReportPoint } from "@pgaas/api";
import {
  byteTicks,
  niceTicks,
  timeLabel,
  timeTicks,
  trimZeros,
  valueGaps,
  valueRuns,
} from "@pgaas/common/chart-scale";
import { csvCell } from "./csv.js";
import {
  formatBytes,
  formatDuration,
  formatNumber,
  formatPercent,
  formatUptime,
  formatUtc,
} from "./report-format.js";

const COLUMNS: readonly (keyof ReportPoint)[] = [
  "at",
  "sizeBytes",
  "connections",
  "commitsPerSecond",
  "rollbacksPerSecond",
  "cacheHitRatio",
  "deadlocks",
  "tempBytes",
  "lagBytes",
  "lagSeconds",
];

// 2026-12-01T00:00:00.000Z -> 20261201T0000Z: sortable, and without the colons some systems refuse.
const compactTime = (iso: string) => `${iso.slice(0, 16).replaceAll("-", "").replace(":", "")}Z`;

/** `<subject>-<from>-<to>.csv`, the subject's name reduced to characters every file system takes. */
export function reportCsvFilename(report: Report): string {
  const name = report.subject.name.replace(/[^A-Za-z0-9_.-]/g, "_");
  return `${name}-${compactTime(report.from)}-${compactTime(report.to)}.csv`;
}

export function reportCsv(report: Report): string {
  const lines = [
    COLUMNS.join(","),
    ...report.points.map((point) => COLUMNS.map((column) => csvCell(point[column])).join(",")),
  ];
  return `${lines.join("\n")}\n`;
}

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");

interface Metric {
  readonly title: string;
  readonly field: keyof Omit<ReportPoint, "at">;
  readonly format: (value: number | null) => string;
  /** How the axis steps: binary units for sizes, whole numbers for counts. */
  readonly ticks: "bytes" | "integer" | "decimal";
}

const seconds = (value: number | null) => (value === null ? "–" : `${formatNumber(value, 1)} s`);

const METRICS: readonly Metric[] = [
  { title: "Size", field: "sizeBytes", format: formatBytes, ticks: "bytes" },
  { title: "Connections", field: "connections", format: (value) => formatNumber(value), ticks: "integer" },
  {
    title: "Commits per second",
    field: "commitsPerSecond",
    format: (value) => formatNumber(value, 2),
    ticks: "decimal",
  },
  {
    title: "Rollbacks per second",
    field: "rollbacksPerSecond",
    format: (value) => formatNumber(value, 2),
    ticks: "decimal",
  },
  { title: "Cache hit ratio", field: "cacheHitRatio", format: formatPercent, ticks: "decimal" },
  { title: "Deadlocks", field: "deadlocks", format: (value) => formatNumber(value), ticks: "integer" },
  { title: "Temporary files", field: "tempBytes", format: formatBytes, ticks: "bytes" },
  { title: "Replication lag", field: "lagBytes", format: formatBytes, ticks: "bytes" },
  { title: "Replication lag (time)", field: "lagSeconds", format: seconds, ticks: "decimal" },
];

// Charts a database report shows; a pair report adds replication.
const CHARTED: Record<Report["subject"]["kind"], readonly Metric["field"][]> = {
  database: ["sizeBytes", "connections", "commitsPerSecond", "cacheHitRatio"],
  pair: ["lagBytes", "lagSeconds", "connections", "commitsPerSecond"],
};

// Table columns: replication is the pair's, never a database's.
const TABLED: Record<Report["subject"]["kind"], readonly Metric[]> = {
  database: METRICS.filter((metric) => metric.field !== "lagBytes" && metric.field !== "lagSeconds"),
  pair: METRICS,
};

// The right margin leaves room for the half of a time label centred on the range's end.
const CHART = { width: 640, height: 170, left: 70, right: 36, top: 12, bottom: 28 } as const;

const axisTicks = (metric: Metric, low: number, high: number) =>
  metric.ticks === "bytes"
    ? byteTicks(low, high)
    : niceTicks(low, high, { integer: metric.ticks === "integer" });

/**
 * A line chart as inline SVG: round value ticks, round dated time ticks, and every stretch without a
 * value shaded and labelled, so a line that stops says why it stops.
 */
function chartSvg(report: Report, metric: Metric): string {
  const values = report.points.map((point) => ({ t: Date.parse(point.at), v: point[metric.field] }));
  const present = values.flatMap((value) => (value.v === null ? [] : [value.v]));
  if (present.length === 0)
    return `<figure><figcaption>${metric.title}</figcaption><p class="empty">No data in this range.</p></figure>`;
  const bucketMs = report.bucketSeconds * 1000;
  // The first bucket may open a little before the range (buckets are aligned to UTC).
  const tMin = Math.min(Date.parse(report.from), values[0]?.t ?? Date.parse(report.from));
  const tMax = Math.max(Date.parse(report.to), tMin + 1);
  const ticks = axisTicks(metric, Math.min(0, ...present), Math.max(0, ...present));
  const yLow = ticks[0] ?? 0;
  const yHigh = ticks.at(-1) ?? 1;
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const bottom = CHART.top + plotHeight;
  const xOf = (t: number) => CHART.left + ((t - tMin) / (tMax - tMin)) * plotWidth;
  const x = (t: number) => xOf(t).toFixed(1);
  const y = (v: number) => (bottom - ((v - yLow) / (yHigh - yLow || 1)) * plotHeight).toFixed(1);
  const grid = ticks
    .map(
      (tick) =>
        `<line class="grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(tick)}" y2="${y(tick)}"/><text x="${CHART.left - 6}" y="${y(tick)}" dy="3" text-anchor="end">${escapeHtml(trimZeros(metric.format(tick)))}</text>`,
    )
    .join("");
  const times = timeTicks(tMin, tMax, 4)
    .map(
      (tick) =>
        `<line class="tick" x1="${x(tick)}" x2="${x(tick)}" y1="${bottom}" y2="${bottom + 4}"/><text x="${x(tick)}" y="${CHART.height - 6}" text-anchor="middle">${timeLabel(tick, tMax - tMin)}</text>`,
    )
    .join("");
  const gaps = valueGaps(values, tMin, tMax, bucketMs)
    .map((gap) => {
      const width = xOf(gap.to) - xOf(gap.from);
      const label =
        width >= 44
          ? `<text class="gap-label" x="${(xOf(gap.from) + width / 2).toFixed(1)}" y="${CHART.top + 12}" text-anchor="middle">no data</text>`
          : "";
      return `<rect class="gap" x="${x(gap.from)}" y="${CHART.top}" width="${width.toFixed(1)}" height="${plotHeight}"><title>No data ${formatUtc(new Date(gap.from).toISOString())} – ${formatUtc(new Date(gap.to).toISOString())}</title></rect>${label}`;
    })
    .join("");
  // One path, a subpath per run (the pen lifts over gaps); a lone value is a dot.
  const runs = valueRuns(values, bucketMs);
  const d = runs
    .filter((run) => run.length > 1)
    .map((run) => run.map((value, index) => `${index === 0 ? "M" : "L"}${x(value.t)},${y(value.v)}`).join(""))
    .join("");
  const lines = `${d === "" ? "" : `<path d="${d}"/>`}${runs
    .filter((run) => run.length === 1)
    .map(([value]) => (value === undefined ? "" : `<circle cx="${x(value.t)}" cy="${y(value.v)}" r="2.5"/>`))
    .join("")}`;
  return `<figure><figcaption>${metric.title}</figcaption><svg viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${escapeHtml(metric.title)}">
${gaps}${grid}<line class="axis" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${bottom}" y2="${bottom}"/>${times}
${lines}</svg></figure>`;
}

const totalSeconds = (periods: readonly { from: string; to: string }[]) =>
  periods.reduce((sum, period) => sum + (Date.parse(period.to) - Date.parse(period.from)) / 1000, 0);

function summaryRows(report: Report): [string, string][] {
  const summary = report.summary;
  const down = summary.outages.reduce((sum, outage) => sum + outage.downSeconds, 0);
  return [
    ["Uptime", formatUptime(summary.uptimeRatio)],
    [
      "Outages",
      summary.outages.length === 0
        ? "none"
        : `${formatNumber(summary.outages.length)}, ${formatDuration(down)} down`,
    ],
    ["Failovers", formatNumber(summary.failovers)],
    [
      "Degraded periods",
      summary.degradedPeriods.length === 0
        ? "none"
        : `${formatNumber(summary.degradedPeriods.length)}, ${formatDuration(totalSeconds(summary.degradedPeriods))} in total`,
    ],
    ["Size growth", formatBytes(summary.sizeGrowthBytes)],
    ["Peak connections", formatNumber(summary.maxConnections)],
    ["Commits per second (mean)", formatNumber(summary.commitsPerSecond, 2)],
    ["Rollbacks per second (mean)", formatNumber(summary.rollbacksPerSecond, 2)],
    ["Cache hit ratio (mean)", formatPercent(summary.cacheHitRatio)],
    ["Deadlocks", formatNumber(summary.deadlocks)],
    ["Temporary files", formatBytes(summary.tempBytes)],
  ];
}

/** The summary rows of a report: replication is the pair's, so a database report leaves it out. */
function reportSummaryRows(report: Report): [string, string][] {
  const rows = summaryRows(report);
  return report.subject.kind === "database"
    ? rows
    : [
        ...rows,
        [
          "Peak replication lag",
          `${formatBytes(report.summary.maxLagBytes)} / ${seconds(report.summary.maxLagSeconds)}`,
        ],
      ];
}

/** A table of periods with their length; `down` gives the seconds missing where it is not the whole period. */
function periodTable(
  periods: readonly { from: string; to: string; downSeconds?: number }[],
  lengthTitle: string,
) {
  if (periods.length === 0) return "<p>None.</p>";
  const rows = periods
    .map(
      (period) =>
        `<tr><td>${formatUtc(period.from, true)}</td><td>${formatUtc(period.to, true)}</td><td>${formatDuration(period.downSeconds ?? (Date.parse(period.to) - Date.parse(period.from)) / 1000)}</td></tr>`,
    )
    .join("");
  return `<table><thead><tr><th>From</th><th>To</th><th>${lengthTitle}</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The printable report's whole stylesheet, inline (its hash is its Content-Security-Policy). */
export const REPORT_STYLE = `body{font:11pt/1.4 system-ui,sans-serif;color:#1a1a1a;margin:2em auto;max-width:60em}
h1{font-size:18pt;margin:0}h2{font-size:13pt;margin:1.5em 0 .5em;border-bottom:1px solid #ccc;break-after:avoid}
.meta{color:#555;margin:.25em 0 1em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}.summary{width:auto;min-width:28em}.summary th{font-weight:normal;color:#444}
.charts{display:grid;grid-template-columns:1fr;gap:1em;max-width:48em}figure{margin:0;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:.25em}svg{width:100%;height:auto}svg text{font-size:10px;fill:#555}
svg path{fill:none;stroke:#1f5fbf;stroke-width:2}svg circle{fill:#1f5fbf}.grid{stroke:#eee}.axis,.tick{stroke:#999}
.gap{fill:#f3f3f3}svg .gap-label{fill:#888;font-style:italic}.note{color:#555;font-size:9pt;max-width:48em}
.data{font-size:9pt}.data th{vertical-align:bottom}.data td{white-space:nowrap;padding:2px 6px}tr{break-inside:avoid}
.empty{color:#777}@page{size:A4;margin:15mm}@media print{body{margin:0;max-width:none}.data{font-size:8pt}}`;

export function reportHtml(report: Report): string {
  const kind = report.subject.kind === "database" ? "Database" : "Pair";
  const title = `${kind} ${report.subject.name}`;
  const range = `${formatUtc(report.from)} – ${formatUtc(report.to)}`;
  const charts = CHARTED[report.subject.kind]
    .map((field) => METRICS.find((metric) => metric.field === field))
    .filter((metric): metric is Metric => metric !== undefined)
    .map((metric) => chartSvg(report, metric))
    .join("\n");
  const summary = reportSummaryRows(report)
    .map(
      ([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join("");
  const columns = TABLED[report.subject.kind];
  const head = ["Time (UTC)", ...columns.map((metric) => metric.title)]
    .map((label) => `<th>${escapeHtml(label)}</th>`)
    .join("");
  const rows = report.points
    .map(
      (point) =>
        `<tr><td>${formatUtc(point.at)}</td>${columns.map((metric) => `<td>${escapeHtml(metric.format(point[metric.field]))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${title}: ${range}`)}</title><style>${REPORT_STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="meta">${range} · ${report.points.length} points, one per ${formatDuration(report.bucketSeconds)} · all times UTC</p>
<h2>Summary</h2><table class="summary"><tbody>${summary}</tbody></table>
<p class="note">Uptime is the share of the range without an outage. An outage is any time no writable, unfenced primary vouched for: a report vouches for the 6 s before it. Silence counts as an outage. Shown rounded down.</p>
<h2>Charts</h2><div class="charts">${charts}</div>
<h2>Outages</h2>${periodTable(report.summary.outages, "Down")}
<h2>Degraded periods</h2>${periodTable(report.summary.degradedPeriods, "Duration")}
<h2>Every ${formatDuration(report.bucketSeconds)}</h2><table class="data"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}
