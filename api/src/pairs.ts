// Pairs, their nodes, events and switchover.
import { HealState, NodeRole, PairName, SyncState } from "@pgaas/common/wire";
import { z } from "zod";
import { CaCertificate, ConfirmBody, Id, IdParams, ParameterMap, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

const NodeName = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "lower-case letters, digits and _, at most 31");
const Host = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[A-Za-z0-9.:-]+$/, "a host name or IP address");
const Port = z.number().int().min(1).max(65535);

export const Endpoint = z.object({
  host: Host,
  port: Port,
  /** PgBouncer's port on the same endpoint; absent: the pair runs no pooler. */
  poolerPort: Port.optional(),
});
export type Endpoint = z.infer<typeof Endpoint>;
export const NodeSpec = z.object({ name: NodeName, address: Host, port: Port, agentPort: Port });
export type NodeSpec = z.infer<typeof NodeSpec>;
export const WitnessSpec = z.object({ name: NodeName, address: Host });
export type WitnessSpec = z.infer<typeof WitnessSpec>;
export const AdminCredentials = z.object({
  username: z.string().min(1).max(63),
  password: z.string().min(1).max(1024),
  /** Present for every pair the engine bootstraps; without it the control plane connects without TLS. */
  caCertificate: CaCertificate.optional(),
});

const twoDistinctNodes = z
  .array(NodeSpec)
  .length(2)
  .refine((nodes) => nodes[0]?.name !== nodes[1]?.name, { message: "node names must differ" });

export const RegisterPairRequest = z.object({
  name: PairName,
  endpoint: Endpoint,
  nodes: twoDistinctNodes,
  witness: WitnessSpec.optional(),
  admin: AdminCredentials,
  settings: ParameterMap.optional(),
});
export type RegisterPairRequest = z.infer<typeof RegisterPairRequest>;

/** PUT replaces endpoint, nodes (same names), witness and optionally the admin credentials. */
export const UpdatePairRequest = z.object({
  endpoint: Endpoint,
  nodes: twoDistinctNodes,
  witness: WitnessSpec.optional(),
  admin: AdminCredentials.optional(),
});
export type UpdatePairRequest = z.infer<typeof UpdatePairRequest>;

export const PairHealth = z.enum(["healthy", "degraded", "no_primary", "unknown"]);
export type PairHealth = z.infer<typeof PairHealth>;

/**
 * What the control plane believes about a node, from its reports:
 * `reporting` — reports arrive and are believed;
 * `unreachable` — no report for three report intervals (or never): its last report is history;
 * `superseded` — it still reports itself as a writable primary, but another node won (a higher
 * timeline, then the later report): an old primary that must be fenced and rejoined.
 */
export const NodeState = z.enum(["reporting", "unreachable", "superseded"]);
export type NodeState = z.infer<typeof NodeState>;

export const NodeView = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  port: z.number().int(),
  agentPort: z.number().int(),
  /** The role the node's last report gave; read it together with `state`. */
  role: NodeRole,
  /** True on the current primary only, while it reports: never on two nodes at once. */
  writable: z.boolean(),
  fenced: z.boolean(),
  timeline: z.number().int().nullable(),
  lsn: z.string().nullable(),
  lagBytes: z.number().nullable(),
  lagSeconds: z.number().nullable(),
  syncState: SyncState,
  pendingRestart: z.boolean(),
  lastReportAt: Timestamp.nullable(),
  state: NodeState,
  /** Automatic rejoin: `rejoining`, or `awaiting_decision` when a person must choose (see the events). */
  healState: HealState,
});
export type NodeView = z.infer<typeof NodeView>;

/** Why a pair is not healthy, one stable code per cause, most urgent first. */
export const HealthReasonCode = z.enum([
  "no_primary",
  "primary_unreachable",
  "standby_unreachable",
  "standby_superseded",
  "standby_fenced",
  "standby_not_streaming",
  "sync_degraded",
  "asynchronous",
]);
export type HealthReasonCode = z.infer<typeof HealthReasonCode>;

export const HealthReason = z.object({
  code: HealthReasonCode,
  /** The node the cause is about, null when it concerns the pair as a whole. */
  node: z.string().nullable(),
  /** When the cause began as far as reports tell, null when unknown (e.g. never reported). */
  since: Timestamp.nullable(),
  /** One sentence: which node, since when, and what it means for durability. */
  message: z.string(),
});
export type HealthReason = z.infer<typeof HealthReason>;

/** Why a switchover cannot run now; the same codes the switchover route answers 409 with. */
export const SwitchoverRefusalCode = z.enum([
  "switchover_no_primary",
  "switchover_primary_unreachable",
  "switchover_target_unreachable",
  "switchover_target_superseded",
  "switchover_target_fenced",
  "switchover_target_not_standby",
  "switchover_target_not_sync",
]);
export type SwitchoverRefusalCode = z.infer<typeof SwitchoverRefusalCode>;

export const SwitchoverReadiness = z.object({
  /** The node a switchover would promote, null when there is none. */
  target: z.string().nullable(),
  /** Null when a switchover may run now. */
  refusal: z.object({ code: SwitchoverRefusalCode, message: z.string() }).nullable(),
});
export type SwitchoverReadiness = z.infer<typeof SwitchoverReadiness>;

export const Pair = z.object({
  id: Id,
  name: z.string(),
  endpoint: Endpoint,
  nodes: z.array(NodeView),
  witness: WitnessSpec.nullable(),
  /**
   * The writable, unfenced node on the highest timeline (then the latest report), null when none.
   * It stays named while unreachable (the last known primary): `health` and `reason` say so.
   */
  primary: z.string().nullable(),
  health: PairHealth,
  /** Set whenever `health` is `degraded` or `no_primary`. */
  reason: HealthReason.nullable(),
  switchover: SwitchoverReadiness,
  syncState: SyncState,
  lagBytes: z.number().nullable(),
  lagSeconds: z.number().nullable(),
  lastReportAt: Timestamp.nullable(),
  settings: ParameterMap,
  /** The pair CA (PEM) to verify its endpoint with; null for a pair registered without one. */
  caCertificate: CaCertificate.nullable(),
  databaseCount: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Pair = z.infer<typeof Pair>;

export const AgentTokens = z.record(z.string(), z.string());
export const RegisterPairResponse = z.object({ pair: Pair, agentTokens: AgentTokens });
export type RegisterPairResponse = z.infer<typeof RegisterPairResponse>;
export const PairResponse = z.object({ pair: Pair });
export type PairResponse = z.infer<typeof PairResponse>;
export const PairList = z.object({ pairs: z.array(Pair) });
export type PairList = z.infer<typeof PairList>;
export const AgentTokensResponse = z.object({ agentTokens: AgentTokens });
export type AgentTokensResponse = z.infer<typeof AgentTokensResponse>;
export const DeletePairQuery = z.object({ force: z.enum(["true", "false"]).optional() });

export const PairEventType = z.enum([
  "registered",
  "role_changed",
  "failover",
  "switchover_requested",
  "switchover_succeeded",
  "switchover_failed",
  "backup_requested",
  "backup_succeeded",
  "backup_failed",
  "sync_degraded",
  "sync_restored",
  "fenced",
  "unfenced",
  "settings_changed",
  // Automatic rejoin, reported by the node's own agent (message: the reason; details: attempt, method).
  "superseded_fenced",
  "rejoin_started",
  "rejoin_succeeded",
  "rejoin_failed",
  "awaiting_decision",
  // Restore of one database (details: databaseId, sourceDatabaseId, target).
  "restore_requested",
  "restore_succeeded",
  "restore_failed",
  // The restore check of the newest backup (details: backup, databases, databaseCount; or the reason).
  "restore_check_succeeded",
  "restore_check_failed",
  // A look at the whole pair as of a time (details: target, databaseCount, commandId; or the reason).
  "point_in_time_described",
  "point_in_time_failed",
  // A node's agent applied (or failed to apply) the pair's list of pooled databases to PgBouncer.
  "pooling_applied",
  "pooling_failed",
  // A node's data disk crossed 80 % used (once per crossing; re-armed below 75 %).
  "disk_usage_high",
]);
export type PairEventType = z.infer<typeof PairEventType>;

export const PairEvent = z.object({
  id: Id,
  pairId: Id,
  nodeName: z.string().nullable(),
  type: PairEventType,
  message: z.string(),
  occurredAt: Timestamp,
  /** Measured duration where one applies (failover: last report of the old primary → first of the new). */
  durationMs: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type PairEvent = z.infer<typeof PairEvent>;
export const PairEventList = z.object({ events: z.array(PairEvent) });
export type PairEventList = z.infer<typeof PairEventList>;
export const EventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const SwitchoverRequest = ConfirmBody;
export const CommandState = z.enum(["pending", "delivered", "succeeded", "failed"]);
export const SwitchoverCommand = z.object({
  id: Id,
  pairId: Id,
  nodeName: z.string(),
  type: z.literal("switchover"),
  state: CommandState,
  requestedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  message: z.string().nullable(),
});
export type SwitchoverCommand = z.infer<typeof SwitchoverCommand>;
export const SwitchoverResponse = z.object({ command: SwitchoverCommand });
export type SwitchoverResponse = z.infer<typeof SwitchoverResponse>;

export const listPairs = defineRoute({
  id: "listPairs",
  method: "get",
  path: "/v1/pairs",
  summary: "List pairs with their current primary, health, lag and sync state",
  tag: "pairs",
  auth: "user",
  status: 200,
  response: PairList,
});

export const registerPair = defineRoute({
  id: "registerPair",
  method: "post",
  path: "/v1/pairs",
  summary: "Register a pair; answers one agent token per node (shown once)",
  tag: "pairs",
  auth: "admin",
  body: RegisterPairRequest,
  status: 201,
  response: RegisterPairResponse,
});

export const getPair = defineRoute({
  id: "getPair",
  method: "get",
  path: "/v1/pairs/:id",
  summary: "One pair",
  tag: "pairs",
  auth: "user",
  params: IdParams,
  status: 200,
  response: PairResponse,
});

export const updatePair = defineRoute({
  id: "updatePair",
  method: "put",
  path: "/v1/pairs/:id",
  summary: "Replace a pair's endpoint, node addresses, witness and admin credentials (idempotent)",
  tag: "pairs",
  auth: "admin",
  params: IdParams,
  body: UpdatePairRequest,
  status: 200,
  response: PairResponse,
});

export const deletePair = defineRoute({
  id: "deletePair",
  method: "delete",
  path: "/v1/pairs/:id",
  summary: "Deregister a pair (refused while databases exist unless force=true)",
  tag: "pairs",
  auth: "admin",
  params: IdParams,
  query: DeletePairQuery,
  status: 204,
});

export const rotateAgentTokens = defineRoute({
  id: "rotateAgentTokens",
  method: "post",
  path: "/v1/pairs/:id/agent-tokens",
  summary: "Issue new agent tokens for both nodes (old ones stop working)",
  tag: "pairs",
  auth: "admin",
  params: IdParams,
  status: 200,
  response: AgentTokensResponse,
});

export const listPairEvents = defineRoute({
  id: "listPairEvents",
  method: "get",
  path: "/v1/pairs/:id/events",
  summary: "Failovers, switchovers, degrades, fences, newest first",
  tag: "pairs",
  auth: "user",
  params: IdParams,
  query: EventsQuery,
  status: 200,
  response: PairEventList,
});

export const switchover = defineRoute({
  id: "switchover",
  method: "post",
  path: "/v1/pairs/:id/switchover",
  summary:
    "Ask the standby's agent to take over as primary (confirm with the pair name); 409 with a switchover_* code unless it is a healthy synchronous standby",
  tag: "pairs",
  auth: "admin",
  params: IdParams,
  body: SwitchoverRequest,
  status: 202,
  response: SwitchoverResponse,
});
