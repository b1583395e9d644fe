// Reports over a time range, per database and per pair: JSON, CSV (?format=csv) or printable HTML.
import { z } from "zod";
import { Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export const ReportQuery = z
  .object({
    from: Timestamp,
    to: Timestamp,
    format: z.enum(["json", "csv", "html"]).default("json"),
  })
  .refine((query) => Date.parse(query.from) < Date.parse(query.to), { message: "from must be before to" })
  .refine((query) => Date.parse(query.to) - Date.parse(query.from) <= 366 * 86_400_000, {
    message: "at most 366 days",
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

/** One time bucket; rates are derived from cumulative counters (resets are not negative rates). */
export const ReportPoint = z.object({
  at: Timestamp,
  sizeBytes: z.number().nullable(),
  connections: z.number().nullable(),
  commitsPerSecond: z.number().nullable(),
  rollbacksPerSecond: z.number().nullable(),
  cacheHitRatio: z.number().nullable(),
  deadlocks: z.number().nullable(),
  tempBytes: z.number().nullable(),
  lagBytes: z.number().nullable(),
  lagSeconds: z.number().nullable(),
});
export type ReportPoint = z.infer<typeof ReportPoint>;

export const Period = z.object({ from: Timestamp, to: Timestamp });
/** A stretch without a writable primary; in rolled-up hours, the seconds missing within it. */
export const Outage = z.object({ from: Timestamp, to: Timestamp, downSeconds: z.number() });
export type Outage = z.infer<typeof Outage>;
export const ReportSummary = z.object({
  sizeGrowthBytes: z.number().nullable(),
  maxConnections: z.number().nullable(),
  commitsPerSecond: z.number().nullable(),
  rollbacksPerSecond: z.number().nullable(),
  cacheHitRatio: z.number().nullable(),
  deadlocks: z.number().nullable(),
  tempBytes: z.number().nullable(),
  maxLagBytes: z.number().nullable(),
  maxLagSeconds: z.number().nullable(),
  /**
   * Share of the report's range (from the subject's creation at the earliest, up to its end or a few
   * seconds before now) without an outage, 0..1; silence counts as an outage. Null for an empty range.
   * Defined in docs/operations.md ("Reports: what the figures mean").
   */
  uptimeRatio: z.number().nullable(),
  /** The outages uptime is computed from, in order. */
  outages: z.array(Outage),
  failovers: z.number().int(),
  degradedPeriods: z.array(Period),
});
export type ReportSummary = z.infer<typeof ReportSummary>;

export const Report = z.object({
  subject: z.object({ kind: z.enum(["database", "pair"]), id: Id, name: z.string() }),
  from: Timestamp,
  to: Timestamp,
  bucketSeconds: z.number().int(),
  points: z.array(ReportPoint),
  summary: ReportSummary,
});
export type Report = z.infer<typeof Report>;

/** Both reports take the same query and answer the same shape (JSON, CSV or HTML). */
const reportRoute = <const Id extends string, const Path extends string>(
  id: Id,
  path: Path,
  summary: string,
) =>
  defineRoute({
    id,
    method: "get",
    path,
    summary,
    tag: "reports",
    auth: "user",
    params: IdParams,
    query: ReportQuery,
    status: 200,
    response: Report,
    alternateContent: ["text/csv", "text/html"],
  });

export const databaseReport = reportRoute(
  "databaseReport",
  "/v1/reports/databases/:id",
  "Database report: size growth, connections, commit/rollback rates, cache hits, deadlocks, temp bytes",
);

export const pairReport = reportRoute(
  "pairReport",
  "/v1/reports/pairs/:id",
  "Pair report: replication lag, uptime, failovers and degraded periods plus totals",
);
