// Query insights for one database: whoever may see the database (its owner, a grant holder, an
// admin) sees the statements run in it, and nothing of other databases on the pair.
import {
  type QueryInsights,
  type QueryInsightsQuery,
  SLOW_QUERIES_DEFAULT_HOURS,
  type SlowQueries,
  type StatementStats,
} from "@pgaas/api";
import { ConflictError, InputError } from "@pgaas/common";
import {
  STATEMENT_TEXTS_SQL,
  STATS_SINCE_SQL,
  type StatementRow,
  topStatementsSql,
} from "../managed/insights-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import type { Store } from "../store/db.js";
import { slowQueriesOf } from "../store/slow-queries.js";
import type { UserActor } from "./actor.js";
import type { Databases } from "./databases.js";
import type { Pairs } from "./pairs.js";

export interface Insights {
  topStatements(actor: UserActor, databaseId: string, query: QueryInsightsQuery): Promise<QueryInsights>;
  /** The database's slow statements from the servers' logs, with texts from pg_stat_statements. */
  slowQueries(
    actor: UserActor,
    databaseId: string,
    query: { from?: string | undefined; to?: string | undefined; limit: number },
  ): Promise<SlowQueries>;
}

function statementOf(row: StatementRow): StatementStats {
  const hit = Number(row.shared_blks_hit);
  const read = Number(row.shared_blks_read);
  return {
    queryId: row.query_id,
    query: row.query,
    role: row.role ?? "(dropped role)",
    calls: Number(row.calls),
    totalTimeMs: row.total_exec_time,
    meanTimeMs: row.mean_exec_time,
    maxTimeMs: row.max_exec_time,
    rows: Number(row.rows),
    cacheHitRatio: hit + read === 0 ? null : hit / (hit + read),
  };
}

export function createInsights(store: Store, databases: Databases, pairs: Pairs): Insights {
  return {
    async topStatements(actor, databaseId, query) {
      const database = await databases.get(actor, databaseId);
      if (database.state !== "active")
        throw new ConflictError("the database was deleted", { code: "database_deleted" });
      return onPrimary(await pairs.access(database.pairId), {
        database: "postgres",
        idempotent: true,
        async run(client) {
          const statements = await client.query<StatementRow>(topStatementsSql(query.orderBy), [
            database.name,
            query.limit,
          ]);
          const since = await client.query<{ stats_reset: Date | null }>(STATS_SINCE_SQL);
          const reset = since.rows[0]?.stats_reset ?? null;
          return {
            since: reset === null ? null : reset.toISOString(),
            orderBy: query.orderBy,
            statements: statements.rows.map(statementOf),
          };
        },
      });
    },

    async slowQueries(actor, databaseId, query) {
      const database = await databases.get(actor, databaseId);
      if (database.state !== "active")
        throw new ConflictError("the database was deleted", { code: "database_deleted" });
      const to = query.to === undefined ? new Date() : new Date(query.to);
      const from =
        query.from === undefined
          ? new Date(to.getTime() - SLOW_QUERIES_DEFAULT_HOURS * 3_600_000)
          : new Date(query.from);
      if (from >= to)
        throw new InputError("from must be before to", { code: "invalid_range", field: "from" });
      const rows = await slowQueriesOf(store, databaseId, { from, to, limit: query.limit });
      const ids = [...new Set(rows.map((row) => row.query_id))];
      const texts =
        ids.length === 0
          ? new Map<string, string>()
          : await onPrimary(await pairs.access(database.pairId), {
              database: "postgres",
              idempotent: true,
              async run(client) {
                const found = await client.query<{ query_id: string; query: string }>(STATEMENT_TEXTS_SQL, [
                  database.name,
                  ids,
                ]);
                return new Map(found.rows.map((row) => [row.query_id, row.query]));
              },
            });
      return {
        from: from.toISOString(),
        to: to.toISOString(),
        slowQueries: rows.map((row) => ({
          at: row.at.toISOString(),
          durationMs: row.duration_ms,
          user: row.user_name,
          node: row.node_name,
          queryId: row.query_id,
          query: texts.get(row.query_id) ?? null,
        })),
      };
    },
  };
}
