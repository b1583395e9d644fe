// The pair registry: register, read (with the current primary from reports), update, deregister,
// agent tokens, events and switchover requests.

import type {
  Pair,
  PairEvent,
  PairEventType,
  RegisterPairRequest,
  RegisterPairResponse,
  SwitchoverCommand,
  UpdatePairRequest,
} from "@pgaas/api";
import { ConflictError, InputError, NotFoundError, Secret } from "@pgaas/common";
import type pg from "pg";
import type { SecretBox } from "../crypto/cipher.js";
import { newToken, tokenHash } from "../crypto/tokens.js";
import type { Queryable, Store } from "../store/db.js";
import type { AgentActor } from "./actor.js";
import { assessNodes, currentPrimary, type NodeRow, type PairRow, pairView } from "./pair-view.js";
import { switchoverReadiness } from "./switchover-readiness.js";

const NODE_COLUMNS = `n.id, n.pair_id, n.name, n.address, n.port, n.agent_port, s.sampled_at, s.received_at,
  s.role, s.writable, s.fenced, s.sync_state, s.timeline, s.lsn, s.lag_bytes, s.lag_seconds, s.pending_restart, s.role_since, s.sync_state_since,
  s.heal_state`;

/** What the router needs to reach a node as the pair's admin role. */
export interface NodeTarget {
  readonly nodeName: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: Secret;
  /** The pair CA: when known, the connection is TLS with verify-full (the node's address is a SAN). */
  readonly caCertificate: string | null;
}

export interface PairAccess {
  readonly pair: PairRow;
  readonly nodes: readonly NodeTarget[];
  /** The current primary (see currentPrimary), re-read from the store each call. */
  primary(): Promise<NodeTarget | undefined>;
}

export interface NewEvent {
  readonly pairId: string;
  readonly nodeName: string | null;
  readonly type: PairEventType;
  readonly message: string;
  readonly occurredAt: Date;
  readonly durationMs: number | null;
  readonly details: Record<string, unknown>;
}

export async function insertEvent(db: Queryable, event: NewEvent): Promise<void> {
  await db.query(
    `INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at, duration_ms, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.pairId,
      event.nodeName,
      event.type,
      event.message,
      event.occurredAt,
      event.durationMs === null ? null : Math.round(event.durationMs),
      JSON.stringify(event.details),
    ],
  );
}

interface CommandRow {
  id: string;
  pair_id: string;
  node_name: string;
  type: "switchover";
  state: SwitchoverCommand["state"];
  requested_at: Date;
  finished_at: Date | null;
  message: string | null;
}

const toCommand = (row: CommandRow): SwitchoverCommand => ({
  id: row.id,
  pairId: row.pair_id,
  nodeName: row.node_name,
  type: row.type,
  state: row.state,
  requestedAt: row.requested_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  message: row.message,
});

export interface Pairs {
  register(request: RegisterPairRequest): Promise<RegisterPairResponse>;
  list(): Promise<Pair[]>;
  get(id: string): Promise<Pair>;
  update(id: string, request: UpdatePairRequest): Promise<Pair>;
  remove(id: string, force: boolean): Promise<void>;
  rotateAgentTokens(id: string): Promise<Record<string, string>>;
  events(id: string, limit: number): Promise<PairEvent[]>;
  requestSwitchover(id: string, confirm: string, requestedBy: string): Promise<SwitchoverCommand>;
  access(id: string): Promise<PairAccess>;
  agentByToken(token: string): Promise<AgentActor | undefined>;
  /** Forget cached agent tokens (after rotation or deregistration). */
  forgetAgentTokens(): void;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";
const AGENT_CACHE_MS = 30_000;

export function createPairs(store: Store, box: SecretBox, now: () => Date = () => new Date()): Pairs {
  const agentCache = new Map<string, { actor: AgentActor | undefined; until: number }>();
  const sealContext = (pairId: string) => `pair-admin:${pairId}`;

  const pairRow = async (db: Queryable, id: string, lock = false): Promise<PairRow> => {
    const { rows } = await db.query<PairRow>(
      `SELECT * FROM pairs WHERE id = $1${lock ? " FOR UPDATE" : ""}`,
      [id],
    );
    const row = rows[0];
    if (row === undefined) throw new NotFoundError("pair not found", { code: "pair_not_found" });
    return row;
  };

  const nodeRows = async (db: Queryable, pairIds: readonly string[]): Promise<NodeRow[]> => {
    const { rows } = await db.query<NodeRow>(
      `SELECT ${NODE_COLUMNS} FROM nodes n LEFT JOIN node_state s ON s.node_id = n.id WHERE n.pair_id = ANY($1::uuid[])`,
      [pairIds],
    );
    return rows;
  };

  const databaseCounts = async (db: Queryable, pairIds: readonly string[]): Promise<Map<string, number>> => {
    const { rows } = await db.query<{ pair_id: string; count: number }>(
      `SELECT pair_id, count(*)::int AS count FROM databases WHERE state IN ('active', 'restoring') AND pair_id = ANY($1::uuid[]) GROUP BY pair_id`,
      [pairIds],
    );
    return new Map(rows.map((row) => [row.pair_id, row.count]));
  };

  const view = async (db: Queryable, row: PairRow): Promise<Pair> => {
    const [nodes, counts] = await Promise.all([nodeRows(db, [row.id]), databaseCounts(db, [row.id])]);
    return pairView(row, nodes, counts.get(row.id) ?? 0, now());
  };

  const issueTokens = async (db: pg.PoolClient, pairId: string): Promise<Record<string, string>> => {
    const { rows } = await db.query<{ id: string; name: string }>(
      "SELECT id, name FROM nodes WHERE pair_id = $1",
      [pairId],
    );
    const tokens: Record<string, string> = {};
    for (const node of rows) {
      const token = newToken("agent");
      await db.query("UPDATE nodes SET agent_token_hash = $2 WHERE id = $1", [
        node.id,
        tokenHash(token.reveal()),
      ]);
      tokens[node.name] = token.reveal();
    }
    return tokens;
  };

  return {
    async register(request) {
      try {
        return await store.transaction(async (db) => {
          const { rows } = await db.query<PairRow>(
            `INSERT INTO pairs (name, endpoint_host, endpoint_port, witness, admin_username, admin_password_sealed, settings, ca_certificate, pooler_port)
             VALUES ($1, $2, $3, $4, $5, '\\x', $6, $7, $8) RETURNING *`,
            [
              request.name,
              request.endpoint.host,
              request.endpoint.port,
              request.witness === undefined ? null : JSON.stringify(request.witness),
              request.admin.username,
              JSON.stringify(request.settings ?? {}),
              request.admin.caCertificate ?? null,
              request.endpoint.poolerPort ?? null,
            ],
          );
          const pair = rows[0] as PairRow;
          const sealed = box.seal(new Secret(request.admin.password), sealContext(pair.id));
          await db.query("UPDATE pairs SET admin_password_sealed = $2 WHERE id = $1", [pair.id, sealed]);
          const agentTokens: Record<string, string> = {};
          for (const node of request.nodes) {
            const token = newToken("agent");
            await db.query(
              `INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [pair.id, node.name, node.address, node.port, node.agentPort, tokenHash(token.reveal())],
            );
            agentTokens[node.name] = token.reveal();
          }
          await insertEvent(db, {
            pairId: pair.id,
            nodeName: null,
            type: "registered",
            message: `pair ${pair.name} registered`,
            occurredAt: now(),
            durationMs: null,
            details: { nodes: request.nodes.map((node) => node.name) },
          });
          return { pair: await view(db, pair), agentTokens };
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError(`a pair named ${request.name} exists`, {
            code: "pair_exists",
            field: "name",
          });
        throw error;
      }
    },

    async list() {
      const { rows } = await store.query<PairRow>("SELECT * FROM pairs ORDER BY name");
      const ids = rows.map((row) => row.id);
      const [nodes, counts] = await Promise.all([nodeRows(store, ids), databaseCounts(store, ids)]);
      const at = now();
      const nodesByPair = new Map<string, NodeRow[]>();
      for (const node of nodes)
        nodesByPair.set(node.pair_id, [...(nodesByPair.get(node.pair_id) ?? []), node]);
      return rows.map((row) => pairView(row, nodesByPair.get(row.id) ?? [], counts.get(row.id) ?? 0, at));
    },

    async get(id) {
      return view(store, await pairRow(store, id));
    },

    async update(id, request) {
      return store.transaction(async (db) => {
        const pair = await pairRow(db, id, true);
        const { rows: existing } = await db.query<{ name: string }>(
          "SELECT name FROM nodes WHERE pair_id = $1",
          [id],
        );
        const known = new Set(existing.map((node) => node.name));
        const unknown = request.nodes.filter((node) => !known.has(node.name)).map((node) => node.name);
        if (unknown.length > 0) {
          throw new InputError("node names cannot change; deregister and register the pair again", {
            code: "node_names_changed",
            details: { unknown, known: [...known].sort() },
          });
        }
        const sealed =
          request.admin === undefined ? null : box.seal(new Secret(request.admin.password), sealContext(id));
        await db.query(
          `UPDATE pairs SET endpoint_host = $2, endpoint_port = $3, witness = $4,
                  admin_username = coalesce($5, admin_username),
                  admin_password_sealed = coalesce($6, admin_password_sealed),
                  ca_certificate = coalesce($7, ca_certificate), pooler_port = $8, updated_at = now()
            WHERE id = $1`,
          [
            id,
            request.endpoint.host,
            request.endpoint.port,
            request.witness === undefined ? null : JSON.stringify(request.witness),
            request.admin?.username ?? null,
            sealed,
            request.admin?.caCertificate ?? null,
            request.endpoint.poolerPort ?? null,
          ],
        );
        for (const node of request.nodes) {
          await db.query(
            "UPDATE nodes SET address = $3, port = $4, agent_port = $5 WHERE pair_id = $1 AND name = $2",
            [id, node.name, node.address, node.port, node.agentPort],
          );
        }
        return view(db, { ...pair, ...(await pairRow(db, id)) });
      });
    },

    async remove(id, force) {
      await store.transaction(async (db) => {
        await pairRow(db, id, true);
        const counts = await databaseCounts(db, [id]);
        const count = counts.get(id) ?? 0;
        if (count > 0 && !force) {
          throw new ConflictError(
            `the pair still has ${count} database(s); pass force=true to deregister anyway`,
            {
              code: "pair_has_databases",
              details: { databases: count },
            },
          );
        }
        await db.query("DELETE FROM pairs WHERE id = $1", [id]);
      });
      agentCache.clear();
    },

    async rotateAgentTokens(id) {
      const tokens = await store.transaction(async (db) => {
        await pairRow(db, id, true);
        return issueTokens(db, id);
      });
      agentCache.clear();
      return tokens;
    },

    async events(id, limit) {
      await pairRow(store, id);
      const { rows } = await store.query<{
        id: string;
        pair_id: string;
        node_name: string | null;
        type: PairEventType;
        message: string;
        occurred_at: Date;
        duration_ms: number | null;
        details: Record<string, unknown>;
      }>("SELECT * FROM pair_events WHERE pair_id = $1 ORDER BY occurred_at DESC, id LIMIT $2", [id, limit]);
      return rows.map((row) => ({
        id: row.id,
        pairId: row.pair_id,
        nodeName: row.node_name,
        type: row.type,
        message: row.message,
        occurredAt: row.occurred_at.toISOString(),
        durationMs: row.duration_ms,
        details: row.details,
      }));
    },

    async requestSwitchover(id, confirm, requestedBy) {
      return store.transaction(async (db) => {
        const pair = await pairRow(db, id, true);
        if (confirm !== pair.name) {
          throw new InputError("confirm must equal the pair name", {
            code: "confirmation_mismatch",
            field: "confirm",
          });
        }
        // An agent that took a command and never answered (crashed, host gone) must not block the pair.
        await db.query(
          `UPDATE agent_commands SET state = 'failed', finished_at = now(), message = 'no result within 10 minutes'
            WHERE pair_id = $1 AND type = 'switchover' AND state IN ('pending', 'delivered')
              AND requested_at < now() - interval '10 minutes'`,
          [id],
        );
        const { rows: open } = await db.query(
          "SELECT 1 FROM agent_commands WHERE pair_id = $1 AND type = 'switchover' AND state IN ('pending', 'delivered')",
          [id],
        );
        if (open.length > 0)
          throw new ConflictError("a switchover is already in progress", { code: "switchover_in_progress" });
        const assessed = assessNodes(await nodeRows(db, [id]), now());
        const readiness = switchoverReadiness(assessed.primary, assessed.nodes);
        const primary = assessed.primary?.row;
        const standby = assessed.nodes.find((node) => node.row.name === readiness.target)?.row;
        if (readiness.refusal !== null) {
          throw new ConflictError(readiness.refusal.message, {
            code: readiness.refusal.code,
            details: { primary: primary?.name ?? null, target: readiness.target },
          });
        }
        // switchoverReadiness refuses whenever either is missing.
        if (primary === undefined || standby === undefined) throw new Error("ready switchover without nodes");
        const { rows } = await db.query<CommandRow>(
          `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by)
           VALUES ($1, $2, 'switchover', 'pending', $3)
           RETURNING id, pair_id, $4::text AS node_name, type, state, requested_at, finished_at, message`,
          [id, standby.id, requestedBy, standby.name],
        );
        await insertEvent(db, {
          pairId: id,
          nodeName: standby.name,
          type: "switchover_requested",
          message: `switchover requested: ${standby.name} to take over from ${primary.name}`,
          occurredAt: now(),
          durationMs: null,
          details: { from: primary.name, to: standby.name },
        });
        return toCommand(rows[0] as CommandRow);
      });
    },

    async access(id) {
      const pair = await pairRow(store, id);
      const password = box.open(pair.admin_password_sealed, sealContext(id));
      const target = (node: NodeRow): NodeTarget => ({
        nodeName: node.name,
        host: node.address,
        port: node.port,
        user: pair.admin_username,
        password,
        caCertificate: pair.ca_certificate,
      });
      const nodes = await nodeRows(store, [id]);
      return {
        pair,
        nodes: nodes.sort((a, b) => a.name.localeCompare(b.name)).map(target),
        async primary() {
          const primary = currentPrimary(await nodeRows(store, [id]));
          return primary && target(primary);
        },
      };
    },

    async agentByToken(token) {
      const hash = tokenHash(token).toString("hex");
      const cached = agentCache.get(hash);
      if (cached !== undefined && cached.until > Date.now()) return cached.actor;
      const { rows } = await store.query<{ id: string; name: string; pair_id: string; pair_name: string }>(
        `SELECT n.id, n.name, n.pair_id, p.name AS pair_name FROM nodes n JOIN pairs p ON p.id = n.pair_id
          WHERE n.agent_token_hash = $1`,
        [tokenHash(token)],
      );
      const row = rows[0];
      const actor: AgentActor | undefined = row && {
        kind: "agent",
        nodeId: row.id,
        nodeName: row.name,
        pairId: row.pair_id,
        pairName: row.pair_name,
      };
      // Only successful lookups are cached, so a brute-forcer cannot fill memory with misses.
      if (actor !== undefined) agentCache.set(hash, { actor, until: Date.now() + AGENT_CACHE_MS });
      return actor;
    },

    forgetAgentTokens() {
      agentCache.clear();
    },
  };
}
