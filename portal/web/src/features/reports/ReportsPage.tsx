import type { Report, ReportSummary } from "@api/reports.js";
import { useState } from "react";
import { Button } from "../../components/Button.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField } from "../../components/fields.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { RangePicker } from "../../components/RangePicker.js";
import { type MetricKey, ReportCharts } from "../../components/ReportCharts.js";
import { env } from "../../config/env.js";
import {
  formatBytes,
  formatDateTime,
  formatDuration,
  formatNumber,
  formatPercent,
  plural,
} from "../../lib/format.js";
import { reportLinks, type Subject, useReport, useSubjects } from "./api.js";

const CHARTS: Record<Subject["kind"], readonly MetricKey[]> = {
  database: ["size", "connections", "tps", "cacheHit", "deadlocks", "tempBytes"],
  pair: ["lagSeconds", "lagBytes", "connections", "tps"],
};

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

function ReportView({ subject, report }: { subject: Subject; report: Report }) {
  const links = reportLinks(subject, report.from, report.to);
  return (
    <>
      <div className="page-actions report-actions">
        <a className="button button-secondary" href={links.csv} download>
          Download CSV
        </a>
        <a className="button button-secondary" href={links.html} target="_blank" rel="noopener">
          Printable page
        </a>
        <Button onClick={() => window.print()}>Print</Button>
      </div>
      <section className="card" aria-labelledby="summary-title">
        <h2 id="summary-title">
          {subject.kind === "database" ? "Database" : "Pair"} {report.subject.name}
        </h2>
        <p className="muted">
          {formatDateTime(report.from)} – {formatDateTime(report.to)}, {plural(report.points.length, "point")}{" "}
          of {formatDuration(report.bucketSeconds * 1000)} each
        </p>
        <div className="table-wrap summary-table">
          <table>
            <tbody>
              {summaryRows(report.summary).map(([label, value]) => (
                <tr key={label}>
                  <th scope="row">{label}</th>
                  <td className="num">{value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <ReportCharts report={report} metrics={CHARTS[subject.kind]} />
    </>
  );
}

export function ReportsPage() {
  const subjects = useSubjects();
  const [key, setKey] = useState("");
  const [hours, setHours] = useState(env.VITE_PGAAS_DEFAULT_RANGE_HOURS);
  const list = subjects.state.status === "success" ? subjects.state.data : [];
  const subject = list.find((s) => `${s.kind}:${s.id}` === key) ?? list[0];
  const report = useReport(subject, hours);
  return (
    <>
      <PageHeader
        title="Reports"
        subtitle="Usage and availability over a time range, as charts, CSV or a printable page."
      />
      <QueryView query={subjects} loadingLabel="Loading databases and pairs…">
        {(all) =>
          all.length === 0 || !subject ? (
            <EmptyState title="Nothing to report on yet">
              Create a database or register a pair first.
            </EmptyState>
          ) : (
            <>
              <div className="toolbar">
                <SelectField
                  label="Report on"
                  value={`${subject.kind}:${subject.id}`}
                  onChange={(event) => setKey(event.target.value)}
                  options={all.map((s) => ({ value: `${s.kind}:${s.id}`, label: `${s.kind} ${s.name}` }))}
                />
                <RangePicker hours={hours} onChange={setHours} />
              </div>
              <QueryView query={report} loadingLabel="Building the report…">
                {(data) => (data ? <ReportView subject={subject} report={data} /> : null)}
              </QueryView>
            </>
          )
        }
      </QueryView>
    </>
  );
}
