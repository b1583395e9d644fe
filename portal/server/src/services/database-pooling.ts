// Per-database connection pooling: the switch on a database, the pooled URI beside the direct one.
// Both nodes' agents get the pair's new list and reload PgBouncer (no client loses its connection);
// PgBouncer on each node serves only while the endpoint leads to it, so the pooled URI follows the
// primary like the direct one.
import { ConflictError, type Secret } from "@pgaas/common";
import { enqueuePooledDatabases, poolerPortOf, setDatabasePooling } from "../store/database-pooling.js";
import type { Store } from "../store/db.js";
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

/** Switches pooling on or off for a database and queues the pair's list for both nodes. */
export async function changePooling(
  store: Store,
  database: { readonly id: string; readonly pair_id: string },
  pooling: boolean,
  requestedBy: string | null,
): Promise<void> {
  await store.transaction(async (db) => {
    if (pooling && (await poolerPortOf(db, database.pair_id)) === null) {
      throw new ConflictError("this pair was registered without a connection pooler", {
        code: "pooler_not_available",
        field: "pooling",
      });
    }
    await setDatabasePooling(db, database.id, pooling);
    await enqueuePooledDatabases(db, database.pair_id, requestedBy);
  });
}

/** A pooled database was dropped: the nodes get the list without it. */
export async function refreshPooledList(store: Store, pairId: string, requestedBy: string | null) {
  await enqueuePooledDatabases(store, pairId, requestedBy);
}
