// Connection pooling in the store: the per-database switch, the pair's pooler port, and the pair's
// pooled list as the agents get it.
import type { Queryable } from "./db.js";

export async function setDatabasePooling(db: Queryable, databaseId: string, pooling: boolean): Promise<void> {
  await db.query("UPDATE databases SET pooling = $2 WHERE id = $1", [databaseId, pooling]);
}

/** The pair's pooler port, null when it was registered without one. */
export async function poolerPortOf(db: Queryable, pairId: string): Promise<number | null> {
  const { rows } = await db.query<{ pooler_port: number | null }>(
    "SELECT pooler_port FROM pairs WHERE id = $1",
    [pairId],
  );
  return rows[0]?.pooler_port ?? null;
}

/** The pair's live databases enabled for pooling, by name. */
export async function pooledDatabaseNames(db: Queryable, pairId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT name FROM databases WHERE pair_id = $1 AND state = 'active' AND pooling ORDER BY name",
    [pairId],
  );
  return rows.map((row) => row.name);
}
