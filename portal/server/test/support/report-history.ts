// A known history written straight into the store: a pair with two nodes, writable reports every 2 s
// as agents send them, failover events and databases created at given times.
import { randomBytes } from "node:crypto";
import type { Store } from "../../src/store/db.js";

/** Writable reports of one node every 2 s over [from, to], degraded within `degraded`. */
export const writableReports = (
  store: Store,
  nodeId: string,
  from: string,
  to: string,
  degraded?: { from: string; to: string },
) =>
  store.query(
    `INSERT INTO state_samples (node_id, sampled_at, role, writable, fenced, sync_state, lag_bytes, lag_seconds)
     SELECT $1, at, 'primary', true, false,
            CASE WHEN at >= $4::timestamptz AND at < $5::timestamptz THEN 'degraded' ELSE 'sync' END, null, null
       FROM generate_series($2::timestamptz, $3::timestamptz, interval '2 seconds') AS at`,
    [nodeId, from, to, degraded?.from ?? to, degraded?.to ?? to],
  );

export const admin = {
  kind: "user",
  id: "00000000-0000-4000-8000-000000000001",
  email: "a@example.com",
  role: "admin",
  via: { kind: "session" },
} as const;

export async function historyPair(store: Store, name: string, createdAt: string) {
  const { rows: pairRows } = await store.query<{ id: string }>(
    "INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed, created_at) VALUES ($1, 'h', 5432, 'a', '\\x00', $2) RETURNING id",
    [name, createdAt],
  );
  const pairId = pairRows[0]?.id as string;
  const { rows: nodes } = await store.query<{ id: string; name: string }>(
    "INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash) VALUES ($1, 'n1', 'h', 5432, 9187, $2), ($1, 'n2', 'h', 5433, 9187, $3) RETURNING id, name",
    [pairId, randomBytes(8), randomBytes(8)],
  );
  const node = (nodeName: string) => nodes.find((row) => row.name === nodeName)?.id as string;
  const failover = (nodeName: string, at: string) =>
    store.query(
      "INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at) VALUES ($1, $2, 'failover', 'promoted', $3)",
      [pairId, nodeName, at],
    );
  const database = async (databaseName: string, at: string) => {
    const { rows } = await store.query<{ id: string }>(
      "INSERT INTO databases (pair_id, name, owner, state, created_at) VALUES ($1, $2, 'owner', 'active', $3) RETURNING id",
      [pairId, databaseName, at],
    );
    return rows[0]?.id as string;
  };
  return { pairId, node, failover, database };
}
