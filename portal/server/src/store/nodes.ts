// nodes and their latest reported state (node_state): addresses, agent tokens, what the pair view reads.
import type { HealState, NodeRole, SyncState } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

/** A node with its latest reported state (null columns: it has not reported yet). */
export interface NodeRow {
  id: string;
  pair_id: string;
  name: string;
  address: string;
  port: number;
  agent_port: number;
  sampled_at: Date | null;
  received_at: Date | null;
  role: NodeRole | null;
  writable: boolean | null;
  fenced: boolean | null;
  sync_state: SyncState | null;
  timeline: number | null;
  lsn: string | null;
  lag_bytes: number | null;
  lag_seconds: number | null;
  pending_restart: boolean | null;
  /** Sample time of the last change of role, writable or fenced. */
  role_since: Date | null;
  /** Sample time of the last change of sync_state. */
  sync_state_since: Date | null;
  heal_state: HealState | null;
}

const NODE_COLUMNS = `n.id, n.pair_id, n.name, n.address, n.port, n.agent_port, s.sampled_at, s.received_at,
  s.role, s.writable, s.fenced, s.sync_state, s.timeline, s.lsn, s.lag_bytes, s.lag_seconds, s.pending_restart, s.role_since, s.sync_state_since,
  s.heal_state`;

/** The nodes of these pairs with their latest state. */
export async function nodeStates(db: Queryable, pairIds: readonly string[]): Promise<NodeRow[]> {
  const { rows } = await db.query<NodeRow>(
    `SELECT ${NODE_COLUMNS} FROM nodes n LEFT JOIN node_state s ON s.node_id = n.id WHERE n.pair_id = ANY($1::uuid[])`,
    [pairIds],
  );
  return rows;
}

/** The pair's nodes, id and name only. */
export async function listNodes(db: Queryable, pairId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await db.query<{ id: string; name: string }>(
    "SELECT id, name FROM nodes WHERE pair_id = $1",
    [pairId],
  );
  return rows;
}

export interface NodeAddress {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly agentPort: number;
}

export async function insertNode(
  db: Queryable,
  pairId: string,
  node: NodeAddress,
  agentTokenHash: Buffer,
): Promise<void> {
  await db.query(
    `INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [pairId, node.name, node.address, node.port, node.agentPort, agentTokenHash],
  );
}

export async function setAgentTokenHash(
  db: Queryable,
  nodeId: string,
  agentTokenHash: Buffer,
): Promise<void> {
  await db.query("UPDATE nodes SET agent_token_hash = $2 WHERE id = $1", [nodeId, agentTokenHash]);
}

/** New address and ports for the pair's node of this name (names never change). */
export async function updateNodeAddress(db: Queryable, pairId: string, node: NodeAddress): Promise<void> {
  await db.query(
    "UPDATE nodes SET address = $3, port = $4, agent_port = $5 WHERE pair_id = $1 AND name = $2",
    [pairId, node.name, node.address, node.port, node.agentPort],
  );
}

export interface AgentNode {
  readonly nodeId: string;
  readonly nodeName: string;
  readonly pairId: string;
  readonly pairName: string;
}

/** The node whose agent token has this hash. */
export async function nodeByAgentTokenHash(
  db: Queryable,
  agentTokenHash: Buffer,
): Promise<AgentNode | undefined> {
  const { rows } = await db.query<{ id: string; name: string; pair_id: string; pair_name: string }>(
    `SELECT n.id, n.name, n.pair_id, p.name AS pair_name FROM nodes n JOIN pairs p ON p.id = n.pair_id
      WHERE n.agent_token_hash = $1`,
    [agentTokenHash],
  );
  const row = rows[0];
  return row && { nodeId: row.id, nodeName: row.name, pairId: row.pair_id, pairName: row.pair_name };
}

/** The id of the pair's node of this name. */
export async function nodeIdByName(db: Queryable, pairId: string, name: string): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>("SELECT id FROM nodes WHERE pair_id = $1 AND name = $2", [
    pairId,
    name,
  ]);
  return rows[0]?.id;
}
