// The pair registry: register, read (with the current primary from reports), update, deregister,
// agent tokens, events and switchover requests.

import type {
  Pair,
  PairEvent,
  RegisterPairRequest,
  RegisterPairResponse,
  SwitchoverCommand,
  UpdatePairRequest,
} from "@pgaas/api";
import { ConflictError, InputError, NotFoundError, Secret } from "@pgaas/common";
import type { SecretBox } from "../crypto/cipher.js";
import { newToken, tokenHash } from "../crypto/tokens.js";
import { enqueueAgentCommand, openCommandId } from "../store/agent-commands.js";
import { liveDatabaseCounts } from "../store/databases.js";
import type { Queryable, Store } from "../store/db.js";
import { insertEvent, listPairEvents } from "../store/events.js";
import {
  insertNode,
  listNodes,
  type NodeRow,
  nodeByAgentTokenHash,
  nodeStates,
  setAgentTokenHash,
  updateNodeAddress,
} from "../store/nodes.js";
import {
  deletePair,
  findPair,
  insertPair,
  listPairs,
  type PairRow,
  setAdminPassword,
  updatePair,
} from "../store/pairs.js";
import type { AgentActor } from "./actor.js";
import { assessNodes, currentPrimary, pairView } from "./pair-view.js";
import { switchoverReadiness } from "./switchover-readiness.js";

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
    const row = await findPair(db, id, lock);
    if (row === undefined) throw new NotFoundError("pair not found", { code: "pair_not_found" });
    return row;
  };

  const view = async (db: Queryable, row: PairRow): Promise<Pair> => {
    const [nodes, counts] = await Promise.all([nodeStates(db, [row.id]), liveDatabaseCounts(db, [row.id])]);
    return pairView(row, nodes, counts.get(row.id) ?? 0, now());
  };

  const issueTokens = async (db: Queryable, pairId: string): Promise<Record<string, string>> => {
    const tokens: Record<string, string> = {};
    for (const node of await listNodes(db, pairId)) {
      const token = newToken("agent");
      await setAgentTokenHash(db, node.id, tokenHash(token.reveal()));
      tokens[node.name] = token.reveal();
    }
    return tokens;
  };

  return {
    async register(request) {
      try {
        return await store.transaction(async (db) => {
          const pair = await insertPair(db, {
            name: request.name,
            endpointHost: request.endpoint.host,
            endpointPort: request.endpoint.port,
            poolerPort: request.endpoint.poolerPort ?? null,
            witness: request.witness ?? null,
            adminUsername: request.admin.username,
            settings: request.settings ?? {},
            caCertificate: request.admin.caCertificate ?? null,
          });
          const sealed = box.seal(new Secret(request.admin.password), sealContext(pair.id));
          await setAdminPassword(db, pair.id, sealed);
          const agentTokens: Record<string, string> = {};
          for (const node of request.nodes) {
            const token = newToken("agent");
            await insertNode(db, pair.id, node, tokenHash(token.reveal()));
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
      const rows = await listPairs(store);
      const ids = rows.map((row) => row.id);
      const [nodes, counts] = await Promise.all([nodeStates(store, ids), liveDatabaseCounts(store, ids)]);
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
        const existing = await listNodes(db, id);
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
        await updatePair(db, id, {
          endpointHost: request.endpoint.host,
          endpointPort: request.endpoint.port,
          poolerPort: request.endpoint.poolerPort ?? null,
          witness: request.witness ?? null,
          adminUsername: request.admin?.username ?? null,
          adminPasswordSealed: sealed,
          caCertificate: request.admin?.caCertificate ?? null,
        });
        for (const node of request.nodes) await updateNodeAddress(db, id, node);
        return view(db, { ...pair, ...(await pairRow(db, id)) });
      });
    },

    async remove(id, force) {
      await store.transaction(async (db) => {
        await pairRow(db, id, true);
        const counts = await liveDatabaseCounts(db, [id]);
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
        await deletePair(db, id);
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
      return listPairEvents(store, id, limit);
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
        if ((await openCommandId(db, id, "switchover", "10 minutes")) !== undefined)
          throw new ConflictError("a switchover is already in progress", { code: "switchover_in_progress" });
        const assessed = assessNodes(await nodeStates(db, [id]), now());
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
        const queued = await enqueueAgentCommand(db, {
          pairId: id,
          nodeId: standby.id,
          type: "switchover",
          requestedBy,
        });
        await insertEvent(db, {
          pairId: id,
          nodeName: standby.name,
          type: "switchover_requested",
          message: `switchover requested: ${standby.name} to take over from ${primary.name}`,
          occurredAt: now(),
          durationMs: null,
          details: { from: primary.name, to: standby.name },
        });
        return {
          id: queued.id,
          pairId: id,
          nodeName: standby.name,
          type: "switchover",
          state: queued.state,
          requestedAt: queued.requestedAt.toISOString(),
          finishedAt: null,
          message: null,
        };
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
      const nodes = await nodeStates(store, [id]);
      return {
        pair,
        nodes: nodes.sort((a, b) => a.name.localeCompare(b.name)).map(target),
        async primary() {
          const primary = currentPrimary(await nodeStates(store, [id]));
          return primary && target(primary);
        },
      };
    },

    async agentByToken(token) {
      const hash = tokenHash(token).toString("hex");
      const cached = agentCache.get(hash);
      if (cached !== undefined && cached.until > Date.now()) return cached.actor;
      const node = await nodeByAgentTokenHash(store, tokenHash(token));
      const actor: AgentActor | undefined = node && { kind: "agent", ...node };
      // Only successful lookups are cached, so a brute-forcer cannot fill memory with misses.
      if (actor !== undefined) agentCache.set(hash, { actor, until: Date.now() + AGENT_CACHE_MS });
      return actor;
    },

    forgetAgentTokens() {
      agentCache.clear();
    },
  };
}
