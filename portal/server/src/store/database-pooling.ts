// Connection pooling in the store: which databases of a pair PgBouncer serves, and the agent commands
// that tell both nodes. Every change sends the pair's full list (not a difference), so the newest
// command alone is the truth: older undelivered ones are superseded rather than applied out of order.
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

const SUPERSEDE_PENDING = `UPDATE agent_commands SET state = 'failed', finished_at = now(),
    message = 'superseded by a newer list of pooled databases'
  WHERE pair_id = $1 AND type = 'set_pooled_databases' AND state = 'pending'`;

// The list is read in the same statement that queues it: it is the store's state at that instant.
const ENQUEUE_FOR_EACH_NODE = `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by, parameters)
  SELECT $1, n.id, 'set_pooled_databases', 'pending', $2,
         jsonb_build_object('pooledDatabases', coalesce(
           (SELECT jsonb_agg(d.name ORDER BY d.name) FROM databases d
             WHERE d.pair_id = $1 AND d.state = 'active' AND d.pooling), '[]'::jsonb))
    FROM nodes n WHERE n.pair_id = $1
  RETURNING id`;

/** Queues the pair's current pooled list for every node; returns the command ids. */
export async function enqueuePooledDatabases(
  db: Queryable,
  pairId: string,
  requestedBy: string | null,
): Promise<string[]> {
  await db.query(SUPERSEDE_PENDING, [pairId]);
  const { rows } = await db.query<{ id: string }>(ENQUEUE_FOR_EACH_NODE, [pairId, requestedBy]);
  return rows.map((row) => row.id);
}
