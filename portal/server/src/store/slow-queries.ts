// Repository for slow_queries: the slow statements agents read from their node's log, kept per tenant
// database (statements in databases the control plane does not manage are dropped on the way in).
import type { SlowQuery } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

/** Stores a report's slow statements for the pair's live databases of those names. */
export async function insertSlowQueries(
  db: Queryable,
  pairId: string,
  nodeName: string,
  entries: readonly SlowQuery[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.query(
    `INSERT INTO slow_queries (database_id, node_name, at, user_name, query_id, duration_ms)
     SELECT d.id, $2, q.at, q.user_name, q.query_id, q.duration_ms
       FROM unnest($3::timestamptz[], $4::text[], $5::text[], $6::bigint[], $7::float8[])
              AS q(at, database_name, user_name, query_id, duration_ms)
       JOIN databases d ON d.pair_id = $1 AND d.name = q.database_name AND d.state = 'active'`,
    [
      pairId,
      nodeName,
      entries.map((entry) => entry.at),
      entries.map((entry) => entry.database),
      entries.map((entry) => entry.user),
      entries.map((entry) => entry.queryId),
      entries.map((entry) => entry.durationMs),
    ],
  );
}

export interface SlowQueryRow {
  readonly at: Date;
  readonly node_name: string;
  readonly user_name: string;
  /** As text: a bigint beyond JavaScript's safe integers. */
  readonly query_id: string;
  readonly duration_ms: number;
}

/** A database's slow statements in [from, to), newest first, at most `limit`. */
export async function slowQueriesOf(
  db: Queryable,
  databaseId: string,
  range: { from: Date; to: Date; limit: number },
): Promise<SlowQueryRow[]> {
  const { rows } = await db.query<SlowQueryRow>(
    `SELECT at, node_name, user_name, query_id::text AS query_id, duration_ms FROM slow_queries
      WHERE database_id = $1 AND at >= $2 AND at < $3 ORDER BY at DESC LIMIT $4`,
    [databaseId, range.from, range.to, range.limit],
  );
  return rows;
}
