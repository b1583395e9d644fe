import type { Report } from "@pgaas/api";
import { useState } from "react";
import { Button } from "../../components/Button.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField } from "../../components/fields.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { RangePicker } from "../../components/RangePicker.js";
import { type MetricKey, ReportCharts } from "../../components/ReportCharts.js";
import { ScrollRegion } from "../../components/ScrollRegion.js";
import { env } from "../../config/env.js";
import { formatDateTime, formatDuration, plural } from "../../lib/format.js";
import { reportLinks, type Subject, useReport, useSubjects } from "./api.js";
import { summaryRows } from "./summary.js";

const CHARTS: Record<Subject["kind"], readonly MetricKey[]> = {
  database: ["size", "connections", "tps", "cacheHit", "deadlocks", "tempBytes"],
  pair: ["lagSeconds", "lagBytes", "connections", "tps"],
};

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
        <ScrollRegion className="table-wrap summary-table" label="Summary">
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
        </ScrollRegion>
        <p className="muted">
          Uptime is the share of the range without an outage: any time no writable, unfenced primary vouched
          for (a report vouches for the 6 s before it; silence counts). Rounded down.
        </p>
        {report.summary.outages.length === 0 ? null : (
          <ScrollRegion className="table-wrap" label="Outages">
            <table aria-label="Outages">
              <thead>
                <tr>
                  <th scope="col">Outage from</th>
                  <th scope="col">To</th>
                  <th scope="col" className="num">
                    Down
                  </th>
                </tr>
              </thead>
              <tbody>
                {report.summary.outages.map((outage) => (
                  <tr key={outage.from}>
                    <td>{formatDateTime(outage.from)}</td>
                    <td>{formatDateTime(outage.to)}</td>
                    <td className="num">{formatDuration(outage.downSeconds * 1000)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
        )}
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
