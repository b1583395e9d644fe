// Pure: a report as CSV or as a printable HTML page.
import type { Report, ReportPoint } from "@pgaas/api";
import { csvCell } from "./csv.js";
import { formatBytes, formatDuration, formatNumber, formatPercent, formatUtc } from "./report-format.js";

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
}

const METRICS: readonly Metric[] = [
  { title: "Size", field: "sizeBytes", format: formatBytes },
  { title: "Connections", field: "connections", format: (value) => formatNumber(value) },
  { title: "Commits per second", field: "commitsPerSecond", format: (value) => formatNumber(value, 2) },
  { title: "Rollbacks per second", field: "rollbacksPerSecond", format: (value) => formatNumber(value, 2) },
  { title: "Cache hit ratio", field: "cacheHitRatio", format: formatPercent },
  { title: "Deadlocks", field: "deadlocks", format: (value) => formatNumber(value) },
  { title: "Temporary files", field: "tempBytes", format: formatBytes },
  { title: "Replication lag", field: "lagBytes", format: formatBytes },
  {
    title: "Replication lag (time)",
    field: "lagSeconds",
    format: (value) => (value === null ? "–" : `${formatNumber(value, 1)} s`),
  },
];

// Charts a database report shows; a pair report adds replication.
const CHARTED: Record<Report["subject"]["kind"], readonly Metric["field"][]> = {
  database: ["sizeBytes", "connections", "commitsPerSecond", "cacheHitRatio"],
  pair: ["lagBytes", "lagSeconds", "connections", "commitsPerSecond"],
};

const CHART = { width: 640, height: 150, left: 70, right: 10, top: 10, bottom: 24 } as const;

/** A line chart as inline SVG: gaps where a value is missing, dated ends, zero and the peak on y. */
function chartSvg(report: Report, metric: Metric): string {
  const values = report.points.map((point) => ({ t: Date.parse(point.at), v: point[metric.field] }));
  const present = values.filter((value) => value.v !== null) as { t: number; v: number }[];
  if (present.length === 0)
    return `<figure><figcaption>${metric.title}</figcaption><p class="empty">No data in this range.</p></figure>`;
  const tMin = values[0]?.t ?? 0;
  const tMax = Math.max(Date.parse(report.to), tMin + 1);
  const peak = Math.max(0, ...present.map((value) => value.v));
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const x = (t: number) => (CHART.left + ((t - tMin) / (tMax - tMin)) * plotWidth).toFixed(1);
  const y = (v: number) => (CHART.top + plotHeight - (peak === 0 ? 0 : (v / peak) * plotHeight)).toFixed(1);
  let path = "";
  let penDown = false;
  for (const value of values) {
    if (value.v === null) {
      penDown = false;
      continue;
    }
    path += `${penDown ? "L" : "M"}${x(value.t)},${y(value.v)}`;
    penDown = true;
  }
  const bottom = CHART.top + plotHeight;
  return `<figure><figcaption>${metric.title}</figcaption><svg viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="${escapeHtml(metric.title)}">
<line class="grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${CHART.top}" y2="${CHART.top}"/><line class="axis" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${bottom}" y2="${bottom}"/>
<text x="${CHART.left - 6}" y="${CHART.top + 4}" text-anchor="end">${escapeHtml(metric.format(peak))}</text><text x="${CHART.left - 6}" y="${bottom}" text-anchor="end">${escapeHtml(metric.format(0))}</text>
<text x="${CHART.left}" y="${CHART.height - 6}">${formatUtc(new Date(tMin).toISOString())}</text><text x="${CHART.width - CHART.right}" y="${CHART.height - 6}" text-anchor="end">${formatUtc(new Date(tMax).toISOString())}</text>
<path d="${path}"/>${present.length === 1 ? `<circle cx="${x(present[0]?.t ?? 0)}" cy="${y(present[0]?.v ?? 0)}" r="3"/>` : ""}</svg></figure>`;
}

function summaryRows(report: Report): [string, string][] {
  const summary = report.summary;
  return [
    ["Uptime (writable primary, silent minutes count as down)", formatPercent(summary.uptimeRatio)],
    ["Failovers", formatNumber(summary.failovers)],
    ["Degraded periods", formatNumber(summary.degradedPeriods.length)],
    ["Size growth", formatBytes(summary.sizeGrowthBytes)],
    ["Peak connections", formatNumber(summary.maxConnections)],
    ["Commits per second (mean)", formatNumber(summary.commitsPerSecond, 2)],
    ["Rollbacks per second (mean)", formatNumber(summary.rollbacksPerSecond, 2)],
    ["Cache hit ratio (mean)", formatPercent(summary.cacheHitRatio)],
    ["Deadlocks", formatNumber(summary.deadlocks)],
    ["Temporary files", formatBytes(summary.tempBytes)],
    [
      "Peak replication lag",
      `${formatBytes(summary.maxLagBytes)} / ${summary.maxLagSeconds === null ? "–" : `${formatNumber(summary.maxLagSeconds, 1)} s`}`,
    ],
  ];
}

const STYLE = `body{font:11pt/1.4 system-ui,sans-serif;color:#1a1a1a;margin:2em auto;max-width:60em}
h1{font-size:18pt;margin:0}h2{font-size:13pt;margin:1.5em 0 .5em;border-bottom:1px solid #ccc}
.meta{color:#555;margin:.25em 0 1em}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right;font-variant-numeric:tabular-nums}
th:first-child,td:first-child{text-align:left}.summary th{font-weight:normal;color:#444}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:1em}figure{margin:0;break-inside:avoid}
figcaption{font-weight:600;margin-bottom:.25em}svg{width:100%;height:auto}svg text{font-size:10px;fill:#555}
svg path{fill:none;stroke:#1f5fbf;stroke-width:2}svg circle{fill:#1f5fbf}.grid{stroke:#eee}.axis{stroke:#999}
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
  const summary = summaryRows(report)
    .map(
      ([label, value]) => `<tr><th scope="row">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join("");
  const degraded =
    report.summary.degradedPeriods.length === 0
      ? "<p>None.</p>"
      : `<table><thead><tr><th>From</th><th>To</th><th>Duration</th></tr></thead><tbody>${report.summary.degradedPeriods
          .map(
            (period) =>
              `<tr><td>${formatUtc(period.from)}</td><td>${formatUtc(period.to)}</td><td>${formatDuration((Date.parse(period.to) - Date.parse(period.from)) / 1000)}</td></tr>`,
          )
          .join("")}</tbody></table>`;
  const head = ["Time (UTC)", ...METRICS.map((metric) => metric.title)]
    .map((label) => `<th>${escapeHtml(label)}</th>`)
    .join("");
  const rows = report.points
    .map(
      (point) =>
        `<tr><td>${formatUtc(point.at)}</td>${METRICS.map((metric) => `<td>${escapeHtml(metric.format(point[metric.field]))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`${title}: ${range}`)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p class="meta">${range} · ${report.points.length} points, one per ${formatDuration(report.bucketSeconds)} · all times UTC</p>
<h2>Summary</h2><table class="summary"><tbody>${summary}</tbody></table>
<h2>Charts</h2><div class="charts">${charts}</div>
<h2>Degraded periods</h2>${degraded}
<h2>Every ${formatDuration(report.bucketSeconds)}</h2><table class="data"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>
</body></html>
`;
}
