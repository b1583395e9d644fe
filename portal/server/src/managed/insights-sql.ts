// Query insights SQL, run on the primary in the postgres database (where pg_stat_statements lives,
// see the engine's roles SQL) as the admin role, whose pg_monitor membership shows every role's text.

import type { QueryInsightsOrder } from "@pgaas/api";
import { sqlIdent } from "@pgaas/common";
import { STATEMENT_STATS_SCHEMA } from "@pgaas/common/wire";

const STATS = `${sqlIdent(STATEMENT_STATS_SCHEMA)}.pg_stat_statements`;
const INFO = `${sqlIdent(STATEMENT_STATS_SCHEMA)}.pg_stat_statements_info`;

/** The only ORDER BY fragments: chosen from the API's enum, never built from input. */
const ORDER_BY: Readonly<Record<QueryInsightsOrder, string>> = {
  total_time: "s.total_exec_time DESC",
  mean_time: "s.mean_exec_time DESC",
  calls: "s.calls DESC",
};

export interface StatementRow {
  query_id: string;
  query: string;
  role: string | null;
  calls: string;
  total_exec_time: number;
  mean_exec_time: number;
  max_exec_time: number;
  rows: string;
  shared_blks_hit: string;
  shared_blks_read: string;
}

/** $1: the database's name, $2: how many. One database's statements only, whoever ran them. */
export function topStatementsSql(order: QueryInsightsOrder): string {
  return `SELECT s.queryid::text AS query_id, s.query, r.rolname AS role, s.calls, s.total_exec_time,
       s.mean_exec_time, s.max_exec_time, s.rows, s.shared_blks_hit, s.shared_blks_read
  FROM ${STATS} s
  JOIN pg_catalog.pg_database d ON d.oid = s.dbid
  LEFT JOIN pg_catalog.pg_roles r ON r.oid = s.userid
 WHERE d.datname = $1 AND s.queryid IS NOT NULL AND s.toplevel
 ORDER BY ${ORDER_BY[order]}, s.queryid
 LIMIT $2`;
}

export const STATS_SINCE_SQL = `SELECT stats_reset FROM ${INFO}`;

/**
 * $1: the database's name, $2: query ids (bigint[]). Each id's normalised text, from that database's
 * statements only (the same id elsewhere on the pair never lends its text).
 */
export const STATEMENT_TEXTS_SQL = `SELECT DISTINCT ON (s.queryid) s.queryid::text AS query_id, s.query
  FROM ${STATS} s
  JOIN pg_catalog.pg_database d ON d.oid = s.dbid
 WHERE d.datname = $1 AND s.queryid = ANY ($2::bigint[])
 ORDER BY s.queryid, s.toplevel DESC`;
