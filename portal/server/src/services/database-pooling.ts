// Per-database connection pooling: the switch on a database, the pooled URI beside the direct one.
// Both nodes' agents get the pair's new list and reload PgBouncer (no client loses its connection);
// PgBouncer on each node serves only while the endpoint leads to it, so the pooled URI follows the
// primary like the direct one.
import { ConflictError, type Secret } from "@pgaas/common";
import { enqueueAgentCommand, supersedePendingCommands } from "../store/agent-commands.js";
import { pooledDatabaseNames, setDatabasePooling } from "../store/database-pooling.js";
import type { Queryable, Store } from "../store/db.js";
import { listNodes } from "../store/nodes.js";
import { findPair, lockPair } from "../store/pairs.js";
import { connectionUri } from "./databases.js";

/** What the pooled URI is made of; null pooler port: the pair has no pooler. */
export interface PooledTarget {
  readonly endpoint_host: string;
  readonly pooler_port: number | null;
  readonly ca_certificate: string | null;
  readonly pooling: boolean;
}

/** The URI through the pooler, or null when the database is not pooled. */
export function pooledConnectionUri(
  target: PooledTarget,
  user: string,
  password: Secret | null,
  database: string,
): string | null {
  if (!target.pooling || target.pooler_port === null) return null;
  return connectionUri(
    target.endpoint_host,
    target.pooler_port,
    user,
    password,
    database,
    target.ca_certificate,
  );
}

/**
 * Queues the pair's full pooled list for every node; older undelivered lists are superseded, so the
 * newest is the only one applied. Inside the caller's transaction, with the pair locked: two changes
 * at once queue their lists in the order they committed.
 */
async function sendPooledList(db: Queryable, pairId: string, requestedBy: string | null): Promise<void> {
  await lockPair(db, pairId);
  await supersedePendingCommands(db, pairId, "set_pooled_databases");
  const pooledDatabases = await pooledDatabaseNames(db, pairId);
  for (const node of await listNodes(db, pairId)) {
    await enqueueAgentCommand(db, {
      pairId,
      nodeId: node.id,
      type: "set_pooled_databases",
      requestedBy,
      parameters: { pooledDatabases },
    });
  }
}

/** Switches pooling on or off for a database and queues the pair's list for both nodes. */
export async function changePooling(
  store: Store,
  database: { readonly id: string; readonly pair_id: string },
  pooling: boolean,
  requestedBy: string | null,
): Promise<void> {
  await store.transaction(async (db) => {
    if (pooling && ((await findPair(db, database.pair_id))?.pooler_port ?? null) === null) {
      throw new ConflictError("this pair was registered without a connection pooler", {
        code: "pooler_not_available",
        field: "pooling",
      });
    }
    await setDatabasePooling(db, database.id, pooling);
    await sendPooledList(db, database.pair_id, requestedBy);
  });
}

/** A pooled database was dropped: the nodes get the list without it. */
export async function refreshPooledList(store: Store, pairId: string, requestedBy: string | null) {
  await store.transaction((db) => sendPooledList(db, pairId, requestedBy));
}
