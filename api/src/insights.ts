// Query insights: the statements run in one database, from pg_stat_statements on the pair's primary.
// Whoever may see the database sees its statements, and only its statements.
import { z } from "zod";
import { IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export const QueryInsightsOrder = z.enum(["total_time", "mean_time", "calls"]);
export type QueryInsightsOrder = z.infer<typeof QueryInsightsOrder>;

export const QueryInsightsQuery = z.object({
  orderBy: QueryInsightsOrder.default("total_time"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type QueryInsightsQuery = z.infer<typeof QueryInsightsQuery>;

export const StatementStats = z.object({
  /** pg_stat_statements' queryid: one normalized statement (constants replaced by $n). */
  queryId: z.string(),
  query: z.string(),
  /** The role that ran it. */
  role: z.string(),
  calls: z.number().int(),
  totalTimeMs: z.number(),
  meanTimeMs: z.number(),
  maxTimeMs: z.number(),
  rows: z.number().int(),
  /** Share of blocks found in shared buffers; null when the statement read none. */
  cacheHitRatio: z.number().nullable(),
});
export type StatementStats = z.infer<typeof StatementStats>;

export const QueryInsights = z.object({
  /** Since when the counters run (pg_stat_statements' last reset, or the server's start). */
  since: Timestamp.nullable(),
  orderBy: QueryInsightsOrder,
  statements: z.array(StatementStats),
});
export type QueryInsights = z.infer<typeof QueryInsights>;

export const queryInsights = defineRoute({
  id: "queryInsights",
  method: "get",
  path: "/v1/databases/:id/insights",
  summary: "The database's top statements from pg_stat_statements on the primary",
  tag: "databases",
  auth: "user",
  params: IdParams,
  query: QueryInsightsQuery,
  status: 200,
  response: QueryInsights,
});

/** The range shown by default: the last day. */
export const SLOW_QUERIES_DEFAULT_HOURS = 24;

export const SlowQueriesQuery = z.object({
  /** Default: SLOW_QUERIES_DEFAULT_HOURS before `to`. */
  from: Timestamp.optional(),
  /** Default: now. */
  to: Timestamp.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type SlowQueriesQuery = z.input<typeof SlowQueriesQuery>;

export const SlowQueryEntry = z.object({
  at: Timestamp,
  durationMs: z.number(),
  /** The login that ran it. */
  user: z.string(),
  /** The pair node whose log recorded it. */
  node: z.string(),
  queryId: z.string(),
  /**
   * The normalised text pg_stat_statements keeps for this query id in this database (constants as
   * $1, $2 …), never the logged statement with its literals; null once pg_stat_statements evicted it.
   */
  query: z.string().nullable(),
});
export type SlowQueryEntry = z.infer<typeof SlowQueryEntry>;

export const SlowQueries = z.object({
  from: Timestamp,
  to: Timestamp,
  /** Newest first, at most `limit`. */
  slowQueries: z.array(SlowQueryEntry),
});
export type SlowQueries = z.infer<typeof SlowQueries>;

export const slowQueries = defineRoute({
  id: "slowQueries",
  method: "get",
  path: "/v1/databases/:id/slow-queries",
  summary:
    "Statements slower than log_min_duration_statement in this database, from the servers' logs, with their normalised text",
  tag: "databases",
  auth: "user",
  params: IdParams,
  query: SlowQueriesQuery,
  status: 200,
  response: SlowQueries,
});
