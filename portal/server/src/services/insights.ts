// Query insights for one database: whoever may see the database (its owner, a grant holder, an
// admin) sees the statements run in it, and nothing of other databases on the pair.
import type { QueryInsights, QueryInsightsQuery, StatementStats } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import { STATS_SINCE_SQL, type StatementRow, topStatementsSql } from "../managed/insights-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import type { UserActor } from "./actor.js";
import type { Databases } from "./databases.js";
import type { Pairs } from "./pairs.js";

export interface Insights {
  topStatements(actor: UserActor, databaseId: string, query: QueryInsightsQuery): Promise<QueryInsights>;
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

export function createInsights(databases: Databases, pairs: Pairs): Insights {
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
  };
}
