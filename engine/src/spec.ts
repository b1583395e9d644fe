// The pair spec: everything the engine needs to know about one PostgreSQL pair, validated once at the
// boundary with secure defaults. Renderers and steps take the parsed `PairSpec` and trust it.
import { createHash } from "node:crypto";
import { InputError } from "@pgaas/common";
import {
  AGENT_PORT,
  CertificatePem,
  ControlPlaneUrl,
  PairName,
  POOLER_PORT,
  POSTGRES_MAJOR,
  POSTGRES_PORT,
} from "@pgaas/common/wire";
import { z } from "zod";
import { BackupSpec } from "./backup/backup-spec.js";
import { RestoreFromSpec } from "./backup/restore-from-spec.js";

const IPV4 = z.ipv4();
const CIDR = z.cidrv4();

/** repmgr node_name and application_name: also a synchronous_standby_names member. */
const NodeName = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "must match ^[a-z][a-z0-9_]{0,30}$");

export const NodeSpec = z.object({ name: NodeName, address: IPV4 });
export type NodeSpec = z.infer<typeof NodeSpec>;

export const WitnessSpec = z.object({
  name: NodeName,
  address: IPV4,
  port: z
    .number()
    .int()
    .min(1024)
    .max(65535)
    .describe(
      "One witness PostgreSQL per pair (repmgr keeps node state per instance), so each pair needs its own port.",
    ),
});
export type WitnessSpec = z.infer<typeof WitnessSpec>;

const EndpointInput = z.object({
  kind: z.enum(["vip", "load-balancer"]).default("vip"),
  address: IPV4,
  dnsName: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
      "not a DNS name",
    )
    .optional()
    .describe(
      "A DNS name resolving to the endpoint: added to every node certificate so verify-full accepts it.",
    ),
  port: z.number().int().min(1).max(65535).default(POSTGRES_PORT),
  interface: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,15}$/)
    .default("eth0")
    .describe("The interface keepalived binds the VIP to on each node."),
  vrrpRouterId: z
    .number()
    .int()
    .min(1)
    .max(255)
    .optional()
    .describe("VRRP virtual_router_id; unique per broadcast domain. Default derived from the pair name."),
});

const PostgresSpec = z.object({
  major: z.literal(POSTGRES_MAJOR).default(POSTGRES_MAJOR),
  port: z.number().int().min(1024).max(65535).default(POSTGRES_PORT),
  memoryMb: z
    .number()
    .int()
    .min(256)
    .max(4_194_304)
    .default(1024)
    .describe("Memory of the VM in MiB; shared_buffers, effective_cache_size and work_mem derive from it."),
});

const NetworkSpec = z.object({
  nodeCidr: CIDR.describe(
    "Subnet of both nodes (and the VIP): repmgr and replication connections come from here.",
  ),
  clientCidrs: z
    .array(CIDR)
    .default([])
    .describe("Application clients: any role but the reserved ones, scram-sha-256."),
  controlPlaneCidrs: z.array(CIDR).default([]).describe("The control plane: the pgaas_admin role."),
});

const ReplicationSpec = z.object({
  mode: z.enum(["synchronous", "asynchronous"]).default("synchronous"),
  degradeAfterSeconds: z
    .number()
    .int()
    .min(1)
    .max(600)
    // 1 s: the walsender's own tcp_user_timeout (2 s) already rides out a transient loss; this only adds
    // waiting once the standby is known gone.
    .default(1)
    .describe(
      "Seconds with no streaming standby before the primary stops waiting for one (repmgr child_nodes_disconnect_timeout).",
    ),
});

const FailoverSpec = z.object({
  monitorIntervalSecs: z.number().int().min(1).max(60).default(1),
  /**
   * 3, not fewer: with the witness's vote a standby may promote only once the witness has not seen the
   * primary for 2 monitor intervals. At 2 attempts the standby decided ~1 s after it lost the primary,
   * the witness had seen it 1 s before, and repmgrd cancelled the failover for good (the soak caught
   * it twice in ten kills).
   */
  reconnectAttempts: z
    .number()
    .int()
    .min(1)
    .max(60)
    .default(3)
    .describe(
      "repmgr's reconnect attempts before a failover; 3 is the fewest the witness's vote works with.",
    ),
  reconnectIntervalSecs: z.number().int().min(1).max(60).default(1),
  fenceCheckIntervalSecs: z
    .number()
    .min(0.2)
    .max(10)
    .default(0.5)
    .describe(
      "How often the fence watcher checks whether this primary still sees its standby or the witness.",
    ),
  fencePeerTimeoutSecs: z
    .number()
    .min(0.5)
    .max(60)
    .default(1)
    .describe("How long a primary may see neither peer before it stops itself."),
});

const PoolerSpec = z.object({
  enabled: z
    .boolean()
    .default(true)
    .describe(
      "PgBouncer on both nodes, in transaction mode. On by default: it serves no database until one is enabled for pooling.",
    ),
  port: z.number().int().min(1024).max(65535).default(POOLER_PORT),
  defaultPoolSize: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(20)
    .describe("Server connections per database and role pair."),
  maxClientConn: z
    .number()
    .int()
    .min(1)
    .max(10_000)
    .default(1000)
    .describe("Client connections PgBouncer accepts in all; beyond it new clients are refused."),
});

const SettingValue = z.union([z.string(), z.number(), z.boolean()]);

const AgentSpec = z.object({
  controlPlaneUrl: ControlPlaneUrl.describe(
    "https:// (http:// only on loopback): the agents' tokens must not cross a network in clear.",
  ),
  controlPlaneCa: CertificatePem.optional().describe(
    "PEM of the CA the control plane's certificate comes from; absent: the system's trusted roots.",
  ),
  listenPort: z.number().int().min(1).max(65535).default(AGENT_PORT),
  stateSeconds: z.number().min(0.2).max(300).default(2),
  metricsSeconds: z.number().min(1).max(3600).default(15),
  autoRejoin: z
    .boolean()
    .default(true)
    .describe(
      "A failed, fenced or superseded former primary is turned back into the synchronous standby by its own agent once the witness confirms the other node is primary on a newer timeline.",
    ),
});

/** Seconds a fence-watcher reachability probe may take (coreutils `timeout` on a TCP connect). */
export const FENCE_PROBE_TIMEOUT_SECS = 1;

/** libpq's connect_timeout for repmgr's checks: its minimum (a lower value counts as 2). */
export const REPMGR_CONNECT_TIMEOUT_SECS = 2;

/**
 * TCP_USER_TIMEOUT on repmgr's connections. Linux ends a connect whose SYN went unanswered when the first
 * retransmission finds the user timeout passed, so up to 1000 ms a vanished host fails a check after 1 s
 * (measured, kernel 6.x: 1000 → 1.05 s, 1500 → 1.6 s, none → libpq's 2 s). 1000, not less: a lower
 * value fails no sooner and only makes an established connection less patient.
 */
export const REPMGR_TCP_USER_TIMEOUT_MS = 1000;

/**
 * Why an isolated primary could still accept writes when the standby is promoted, or null when it cannot.
 * The tight case is a partition that refuses connections: the standby's checks fail at once and it
 * promotes after its reconnect attempts, spaced by the interval, while the fence watcher needs its timeout
 * plus one check interval. When the network drops packets instead, each of repmgr's checks also waits
 * out its connect (1 s, REPMGR_TCP_USER_TIMEOUT_MS), (attempts + 1) × 1 s in all on top of the
 * intervals, more than the fence watcher's 1 s probe.
 */
export function fenceRace(f: {
  readonly reconnectAttempts: number;
  readonly reconnectIntervalSecs: number;
  readonly fenceCheckIntervalSecs: number;
  readonly fencePeerTimeoutSecs: number;
}): string | null {
  const fence = f.fencePeerTimeoutSecs + f.fenceCheckIntervalSecs;
  const promote = (f.reconnectAttempts - 1) * f.reconnectIntervalSecs;
  return fence < promote
    ? null
    : `an isolated primary fences after up to ${fence} s (fencePeerTimeoutSecs + fenceCheckIntervalSecs) but the standby may promote after ${promote} s ((reconnectAttempts − 1) × reconnectIntervalSecs) when connections are refused`;
}

/** Seconds a primary waits for a reconnected standby to stream before it leaves sync off. */
export const SYNC_WAIT_SECS = 120;

const PairSpecSchema = z
  .object({
    name: PairName.describe("The pair's name: part of unit names, paths and the hosts' configuration."),
    postgres: PostgresSpec.prefault({}).describe("PostgreSQL on the nodes."),
    nodes: z
      .tuple([NodeSpec, NodeSpec])
      .describe("The two database nodes; the first is the initial primary."),
    witness: WitnessSpec.describe("The repmgr witness (on the control-plane host): the third vote."),
    endpoint: EndpointInput.describe(
      "The stable endpoint clients connect to: a keepalived VIP or a cloud load balancer.",
    ),
    network: NetworkSpec.describe("Who may connect from where (pg_hba)."),
    replication: ReplicationSpec.prefault({}).describe(
      "Synchronous (zero data loss, degrading when the standby is gone) or asynchronous.",
    ),
    failover: FailoverSpec.prefault({}).describe("repmgr's failure detection and the primary's fence."),
    settings: z
      .record(z.string().regex(/^[a-z_][a-z0-9_.]*$/, "not a PostgreSQL parameter name"), SettingValue)
      .default({})
      .describe("postgresql.conf parameters; fixed ones (ssl, archiving, replication) are refused."),
    pooler: PoolerSpec.prefault({}).describe(
      "Connection pooling: PgBouncer on each node, reached through the endpoint on its own port.",
    ),
    agent: AgentSpec.optional().describe("The poller agent on each node, reporting to the control plane."),
    backup: BackupSpec.optional().describe(
      "Continuous WAL archiving and scheduled backups with pgBackRest; absent: none.",
    ),
    restoreFrom: RestoreFromSpec.optional(),
  })
  .superRefine((spec, ctx) => {
    const [a, b] = spec.nodes;
    if (a.name === b.name)
      ctx.addIssue({ code: "custom", path: ["nodes", 1, "name"], message: "node names must differ" });
    if (a.address === b.address) {
      ctx.addIssue({ code: "custom", path: ["nodes", 1, "address"], message: "node addresses must differ" });
    }
    if (spec.witness.name === a.name || spec.witness.name === b.name) {
      ctx.addIssue({
        code: "custom",
        path: ["witness", "name"],
        message: "witness name must differ from the node names",
      });
    }
    if (spec.witness.address === a.address || spec.witness.address === b.address) {
      ctx.addIssue({
        code: "custom",
        path: ["witness", "address"],
        message: "the witness must be a third host",
      });
    }
    for (const [index, node] of spec.nodes.entries()) {
      if (IPV4.safeParse(node.address).success && !cidrContains(spec.network.nodeCidr, node.address)) {
        ctx.addIssue({
          code: "custom",
          path: ["nodes", index, "address"],
          message: `not inside network.nodeCidr ${spec.network.nodeCidr}`,
        });
      }
    }
    if (spec.endpoint.kind === "vip") {
      if (spec.endpoint.port !== spec.postgres.port) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "port"],
          message: "a VIP endpoint serves PostgreSQL's own port: set it to postgres.port",
        });
      }
      if (spec.nodes.some((node) => node.address === spec.endpoint.address)) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "address"],
          message: "the VIP must not be a node address",
        });
      }
      if (
        IPV4.safeParse(spec.endpoint.address).success &&
        !cidrContains(spec.network.nodeCidr, spec.endpoint.address)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["endpoint", "address"],
          message: `a VIP must be inside network.nodeCidr ${spec.network.nodeCidr}`,
        });
      }
    }
    if (spec.restoreFrom) {
      for (const issue of restoreFromIssues(spec.name, spec.backup, spec.restoreFrom)) {
        ctx.addIssue({ code: "custom", path: ["restoreFrom", ...issue.path], message: issue.message });
      }
    }
    if (spec.pooler.enabled && [spec.postgres.port, spec.endpoint.port].includes(spec.pooler.port)) {
      ctx.addIssue({
        code: "custom",
        path: ["pooler", "port"],
        message: "the pooler needs a port of its own, not PostgreSQL's",
      });
    }
    const race = fenceRace(spec.failover);
    if (race) {
      ctx.addIssue({
        code: "custom",
        path: ["failover", "fencePeerTimeoutSecs"],
        message: `${race}: lower the fence timeout or raise the reconnect budget`,
      });
    }
  })
  .transform((spec) => ({
    ...spec,
    endpoint: { ...spec.endpoint, vrrpRouterId: spec.endpoint.vrrpRouterId ?? defaultRouterId(spec.name) },
  }));

export const PairSpec = PairSpecSchema;
export type PairSpec = z.output<typeof PairSpecSchema>;
export type PairSpecInput = z.input<typeof PairSpecSchema>;

/**
 * A seeded pair archives from its first minute (it needs its own repository, never the source's stanza)
 * and reaches the source with its own repository's access: the witness host's SSH for a local one,
 * the same bucket credentials for an object store.
 */
function restoreFromIssues(
  name: string,
  backup: z.output<typeof BackupSpec> | undefined,
  source: z.output<typeof RestoreFromSpec>,
): { path: string[]; message: string }[] {
  const issues: { path: string[]; message: string }[] = [];
  if (!backup) {
    issues.push({
      path: [],
      message: "a pair restored from backups needs its own backup repository (backup)",
    });
  } else if (backup.repository.kind !== source.repository.kind) {
    issues.push({
      path: ["repository", "kind"],
      message: `the source repository must be of this pair's kind (${backup.repository.kind}): it is reached with the same access`,
    });
  }
  if (source.stanza === name) {
    issues.push({
      path: ["stanza"],
      message:
        "the source stanza must differ from the pair's name: the new pair archives into its own stanza",
    });
  }
  return issues;
}

/** Parses untrusted input; an invalid spec throws `InputError` whose message names every bad field. */
export function parsePairSpec(input: unknown): PairSpec {
  const result = PairSpecSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const text = issues.map((issue) => `${issue.path || "(spec)"}: ${issue.message}`).join("; ");
  throw new InputError(`invalid pair spec: ${text}`, { code: "invalid_pair_spec", details: { issues } });
}

/** A stable VRRP router id in 1–255 from the pair name, so two pairs on one segment rarely collide. */
export function defaultRouterId(pairName: string): number {
  return (createHash("sha256").update(pairName).digest().readUInt16BE(0) % 255) + 1;
}

function ipv4ToInt(address: string): number {
  return address.split(".").reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

export function cidrContains(cidr: string, address: string): boolean {
  const [base = "", bits = "32"] = cidr.split("/");
  const prefix = Number(bits);
  const size = 2 ** (32 - prefix);
  const start = Math.floor(ipv4ToInt(base) / size) * size;
  const value = ipv4ToInt(address);
  return value >= start && value < start + size;
}

/** Both nodes, in spec order; nodes[0] is the initial primary. */
export function nodeByName(spec: PairSpec, name: string): NodeSpec {
  const node = spec.nodes.find((candidate) => candidate.name === name);
  if (!node) throw new InputError(`pair ${spec.name} has no node ${name}`, { code: "unknown_node" });
  return node;
}

export function peerOf(spec: PairSpec, name: string): NodeSpec {
  nodeByName(spec, name);
  const peer = spec.nodes.find((candidate) => candidate.name !== name);
  if (!peer) throw new InputError(`pair ${spec.name} has no peer for ${name}`);
  return peer;
}
