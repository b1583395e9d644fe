// Pure: a report as CSV or as a printable HTML page.
import type { Report, ReportPoint } from "@pgaas/api";

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

const cell = (value: string | number | null) => {
  const text = value === null ? "" : String(value);
  return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
};

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
    ...report.points.map((point) => COLUMNS.map((column) => cell(point[column])).join(",")),
  ];
  return `${lines.join("\n")}\n`;
}

const escapeHtml = (text: string) =>
  text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
const show = (value: unknown) =>
  escapeHtml(
    value === null || value === undefined
      ? "–"
      : typeof value === "number"
        ? String(Math.round(value * 1000) / 1000)
        : String(value),
  );

export function reportHtml(report: Report): string {
  const title = `${report.subject.kind} ${report.subject.name}: ${report.from} – ${report.to}`;
  const summary = Object.entries(report.summary)
    .map(
      ([key, value]) =>
        `<tr><th>${escapeHtml(key)}</th><td>${show(Array.isArray(value) ? value.map((p) => `${p.from} – ${p.to}`).join("; ") : value)}</td></tr>`,
    )
    .join("");
  const head = COLUMNS.map((column) => `<th>${escapeHtml(column)}</th>`).join("");
  const rows = report.points
    .map((point) => `<tr>${COLUMNS.map((column) => `<td>${show(point[column])}</td>`).join("")}</tr>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font:12px sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}td,th{border:1px solid #999;padding:2px 6px;text-align:right}th{text-align:left}@media print{body{margin:0}}</style>
</head><body><h1>${escapeHtml(title)}</h1><h2>Summary</h2><table>${summary}</table>
<h2>Every ${report.bucketSeconds} s</h2><table><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></body></html>
`;
}
