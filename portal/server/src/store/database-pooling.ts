// Connection pooling in the store: the per-database switch and the pair's pooled list as the agents
// get it (the pooler port is the pair's: pairs.ts).
import type { Queryable } from "./db.js";

export async function setDatabasePooling(db: Queryable, databaseId: string, pooling: boolean): Promise<void> {
  await db.query("UPDATE databases SET pooling = $2 WHERE id = $1", [databaseId, pooling]);
}

/** The pair's live databases enabled for pooling, by name. */
export async function pooledDatabaseNames(db: Queryable, pairId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT name FROM databases WHERE pair_id = $1 AND state = 'active' AND pooling ORDER BY name",
    [pairId],
  );
  return rows.map((row) => row.name);
}
