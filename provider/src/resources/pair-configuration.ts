// pgaas:index:PairConfiguration — PostgreSQL primary + synchronous standby with repmgr, keepalived (VIP
// pairs), the fence watcher and the witness, configured over SSH by the pair engine. Settings and
// other spec changes update in place (the engine reloads, or restarts only when PostgreSQL says so);
// a node moved to a new VM (its instance id or address changed) is replaced in turn by replaceMember
// (the standby's first, at most one switchover), a grown data volume gets its filesystem grown online;
// only a changed pair or node name, witness address or endpoint address replaces the pair. Read
// reflects reality: after a failover refresh shows the new primary. The pair's credentials come from its
// PairSecrets (`pairSecrets` input; Check and Diff refuse any that differ from the ones the pair runs
// with: secrets_mismatch), else they are generated here; either way they live in state only as secrets.
import { ConflictError, describeError, InputError } from "@pgaas/common";
import { ADMIN_ROLE } from "@pgaas/common/wire";
import {
  bootstrapPair,
  generatePairSecrets,
  growDataFilesystems,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type PairStatus,
  pairStatus,
  parsePairSpec,
  replaceMember,
  teardownPair,
} from "@pgaas/engine";
import { z } from "zod";
import { containsUnknowns, sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { HostConnections, memberNames, pairHostsFor } from "./host-connections.js";
import { ResourceInitError } from "./init-failure.js";
import { NodeInstances, nodeChanges, pairWhileMoving } from "./node-changes.js";
import { completedSecrets, differingSecrets, pairSecretsProperty, secretsJson } from "./pair-secrets.js";
import {
  changedKeys,
  parseInputs,
  type ResourceContext,
  type ResourceHandler,
  schemaFailures,
  type WireProps,
} from "./resource-handler.js";
import { waitForPairHosts } from "./wait-for-hosts.js";

export const PAIR_CONFIGURATION_TOKEN = "pgaas:index:PairConfiguration";

const DEFAULT_READY_TIMEOUT_SECONDS = 900;

export const PairConfigurationInputs = z.object({
  spec: z.record(z.string(), z.unknown()),
  hosts: HostConnections,
  readyFile: z.string().startsWith("/").optional(),
  readyTimeoutSeconds: z.number().int().min(1).max(7200).default(DEFAULT_READY_TIMEOUT_SECONDS),
  /** The nodes' VMs (instance id, size, data volume size): a replaced VM is always reconfigured. */
  nodeInstances: NodeInstances.optional(),
  /**
   * The pair's secrets from its PairSecrets resource (JSON). Without it the secrets are generated here
   * and kept in this resource's state, as before PairSecrets existed.
   */
  pairSecrets: z.string().min(1).optional(),
});
export type PairConfigurationInputs = z.infer<typeof PairConfigurationInputs>;

interface ParsedInputs {
  readonly inputs: PairConfigurationInputs;
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
}

function parse(props: WireProps): ParsedInputs {
  const inputs = parseInputs(PairConfigurationInputs, props);
  const spec = parsePairSpec(inputs.spec);
  return { inputs, spec, hosts: pairHostsFor(spec, inputs.hosts) };
}

/** The inputs with Check's defaults filled in, so Diff and the state compare like with like. */
function withDefaults(news: WireProps): WireProps {
  return { ...news, readyTimeoutSeconds: news.readyTimeoutSeconds ?? DEFAULT_READY_TIMEOUT_SECONDS };
}

/** The `pairSecrets` input when given and known (PairSecrets' output), else undefined. */
function givenSecrets(props: WireProps): PairSecrets | undefined {
  if (props.pairSecrets === undefined || containsUnknowns(props.pairSecrets)) return undefined;
  return pairSecretsProperty(props);
}

/**
 * Why `news` must not be applied over `olds`: its `pairSecrets` input would change secrets the pair
 * already runs with (a wrong wiring, e.g. another pair's PairSecrets). Undefined when it may.
 */
export function secretsMismatch(olds: WireProps, news: WireProps): string | undefined {
  if (olds.pairSecrets === undefined || containsUnknowns(olds.pairSecrets)) return undefined;
  const given = givenSecrets(news);
  if (given === undefined) return undefined;
  const differing = differingSecrets(pairSecretsProperty(olds), given);
  if (differing.length === 0) return undefined;
  return (
    `secrets_mismatch: pairSecrets differs from the secrets the pair runs with (${differing.join(", ")}); ` +
    "applying it would rotate them on a live pair. Wire this pair's own PairSecrets (adopted from this " +
    "resource's pairSecrets output)."
  );
}

/**
 * Given secrets that are an update: not known yet (preview), or adding what the state lacks (a backup
 * key, a CA). Changing what the state holds never gets here: Diff refuses it first (secrets_mismatch).
 */
function secretsUpdate(olds: WireProps, news: WireProps): boolean {
  if (news.pairSecrets === undefined) return false;
  const given = givenSecrets(news);
  return given === undefined || differingSecrets(given, pairSecretsProperty(olds)).length > 0;
}

/** Check failures of the spec (the engine's own validation) and of the hosts list against it. */
export function specFailures(news: WireProps): { property: string; reason: string }[] {
  if (containsUnknowns(news.spec)) return [];
  let spec: PairSpec;
  try {
    spec = parsePairSpec(unwrapSecrets(news.spec));
  } catch (error) {
    const issues =
      error instanceof InputError
        ? (error.details?.issues as { path: string; message: string }[] | undefined)
        : undefined;
    if (issues === undefined) return [{ property: "spec", reason: describeError(error) }];
    return issues.map((issue) => ({
      property: issue.path === "" ? "spec" : `spec.${issue.path}`,
      reason: issue.message,
    }));
  }
  if (containsUnknowns(news.hosts)) return [];
  const hosts = unwrapSecrets(news.hosts);
  const names = Array.isArray(hosts) ? hosts.map((host) => (host as { name?: unknown }).name) : [];
  return memberNames(spec)
    .filter((name) => !names.includes(name))
    .map((name) => ({
      property: "hosts",
      reason: `no entry named "${name}" (one per node and one for the witness)`,
    }));
}

/**
 * What identifies the pair: its and its nodes' names (other data directories, other repmgr nodes), the
 * witness's address and the endpoint's. Changing any of them replaces the pair. A node's address changes
 * with its VM: that node alone moves in place (replaceMember), while the witness and the endpoint stay;
 * a rolling move never relocates the witness or the VIP.
 */
function nodeSet(spec: unknown): unknown {
  const value = unwrapSecrets(spec) as
    | { name?: unknown; nodes?: unknown; witness?: { address?: unknown }; endpoint?: { address?: unknown } }
    | undefined;
  const nodes = Array.isArray(value?.nodes)
    ? value.nodes.map((node) => (node as { name?: unknown } | null)?.name)
    : value?.nodes;
  return {
    name: value?.name,
    nodes,
    witness: value?.witness?.address,
    endpoint: value?.endpoint?.address,
  };
}

/**
 * The spec as the hosts converge to it: `restoreFrom` only seeds a pair's first primary, so changing
 * or removing it later changes nothing (no update, no replacement).
 */
function convergedSpec(spec: unknown): unknown {
  const value = unwrapSecrets(spec);
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const { restoreFrom: _seedOnly, ...rest } = value as Record<string, unknown>;
  return rest;
}

function statusNodes(spec: PairSpec, status: PairStatus) {
  return status.nodes.map((node) => ({
    name: node.name,
    address: spec.nodes.find((candidate) => candidate.name === node.name)?.address ?? "",
    role: node.role,
    running: node.running,
    fenced: node.fenced,
    timeline: node.timeline,
    syncState: node.syncState,
    lagBytes: node.lagBytes,
    holdsVip: node.holdsVip,
  }));
}

function stateOf(
  props: WireProps,
  spec: PairSpec,
  secrets: PairSecrets,
  status: PairStatus | undefined,
  primary: string,
): WireProps {
  return {
    ...withDefaults(props),
    hosts: wireSecret(unwrapSecrets(props.hosts)),
    primary: status?.primary ?? primary,
    replication: status?.replication ?? "unknown",
    nodes: status === undefined ? [] : statusNodes(spec, status),
    endpointHost: spec.endpoint.address,
    endpointPort: spec.endpoint.port,
    adminUsername: ADMIN_ROLE,
    adminPassword: wireSecret(secrets.adminPassword.reveal()),
    pairSecrets: wireSecret(secretsJson(secrets)),
    caCertificate: secrets.tlsCa?.certificate ?? "",
  };
}

/**
 * Moves each node in `order` to its new host, one after the other: while one moves, the other is still
 * described (spec address, SSH host) as it is now, so every step sees the pair as it really stands.
 */
async function replaceNodes(
  before: ParsedInputs,
  after: ParsedInputs,
  order: readonly string[],
  secrets: PairSecrets,
  ctx: ResourceContext,
): Promise<void> {
  const moved = new Set<string>();
  for (const node of order) {
    moved.add(node);
    const { spec, connections } = pairWhileMoving(
      { spec: before.spec, hosts: before.inputs.hosts },
      { spec: after.spec, hosts: after.inputs.hosts },
      moved,
    );
    const hosts = pairHostsFor(spec, connections);
    const previousIndex = before.spec.nodes.findIndex((old) => old.name === node);
    const previousAddress = before.spec.nodes[previousIndex]?.address;
    const previousHost = before.hosts.nodes[previousIndex === 0 ? 0 : 1];
    const sameAddress = previousAddress === spec.nodes.find((n) => n.name === node)?.address;
    const result = await replaceMember(spec, hosts, {
      node,
      secrets,
      ...(previousAddress === undefined
        ? {}
        : { previous: { host: previousHost, address: previousAddress } }),
      onProgress: (event) => ctx.log.debug("replace", { ...event }),
    }).catch((error: unknown) => {
      // Both VMs went down in this update and each kept its address and data volume: no node can
      // carry the pair while the other moves, and none has to. The convergence that follows starts
      // both from their data (bootstrapPair decides the primary).
      if (sameAddress && error instanceof ConflictError && error.code === "peer_not_running")
        return undefined;
      throw error;
    });
    if (result === undefined) {
      ctx.log.warn("both nodes were down: converging instead of replacing in turn", {
        pair: spec.name,
        node,
      });
      continue;
    }
    ctx.log.info("node replaced", {
      pair: spec.name,
      node,
      switchedOver: result.switchedOver,
      retired: result.retired,
      durationMs: result.durationMs,
    });
  }
}

async function converge(parsed: ParsedInputs, secrets: PairSecrets, ctx: ResourceContext) {
  const result = await bootstrapPair(parsed.spec, parsed.hosts, {
    secrets,
    onProgress: (event) => ctx.log.debug("bootstrap", { ...event }),
  });
  ctx.log.info("pair converged", {
    pair: parsed.spec.name,
    primary: result.primary,
    changed: result.changed,
    changedFiles: result.changedFiles.length,
    durationMs: result.durationMs,
  });
  const status = await pairStatus(parsed.spec, parsed.hosts);
  return { result, status };
}

export const pairConfigurationHandler: ResourceHandler = {
  token: PAIR_CONFIGURATION_TOKEN,

  async check(olds, news) {
    const failures = [...schemaFailures(PairConfigurationInputs, news), ...specFailures(news)];
    if (failures.length === 0) {
      // Check sees the previous inputs: they carry pairSecrets once PairSecrets is wired (Diff compares
      // with the state, which always has them).
      try {
        givenSecrets(news);
        const mismatch = secretsMismatch(olds, news);
        if (mismatch !== undefined) failures.push({ property: "pairSecrets", reason: mismatch });
      } catch (error) {
        failures.push({ property: "pairSecrets", reason: describeError(error) });
      }
    }
    return { inputs: withDefaults(news), failures };
  },

  async diff(_id, olds, news) {
    const next = withDefaults(news);
    const mismatch = secretsMismatch(olds, next);
    if (mismatch !== undefined) throw new ConflictError(mismatch, { code: "secrets_mismatch" });
    const replaces =
      containsUnknowns(nodeSet(next.spec)) || !sameValue(nodeSet(olds.spec), nodeSet(next.spec))
        ? ["spec"]
        : [];
    const updates = [
      ...(sameValue(convergedSpec(olds.spec), convergedSpec(next.spec)) ? [] : ["spec"]),
      ...changedKeys(["hosts", "readyFile", "readyTimeoutSeconds", "nodeInstances"], olds, next),
      // Given secrets that complete the state's (a backup key, a CA it lacked) are an update.
      ...(secretsUpdate(olds, next) ? ["pairSecrets"] : []),
    ];
    // The same hosts carry the new pair: the old one must be gone first.
    return { changes: replaces.length + updates.length > 0, replaces, deleteBeforeReplace: true };
  },

  async create(props, ctx) {
    const parsed = parse(props);
    // Hosts that never came up: nothing was made, so the create simply fails.
    await waitForPairHosts(parsed.hosts, {
      readyFile: parsed.inputs.readyFile,
      timeoutMs: parsed.inputs.readyTimeoutSeconds * 1000,
    });
    const secrets = givenSecrets(props) ?? generatePairSecrets(parsed.spec.name);
    try {
      const { result, status } = await converge(parsed, secrets, ctx);
      return { id: parsed.spec.name, outs: stateOf(props, parsed.spec, secrets, status, result.primary) };
    } catch (error) {
      throw new ResourceInitError(
        `pair ${parsed.spec.name} is not fully configured: ${describeError(error)}`,
        parsed.spec.name,
        stateOf(props, parsed.spec, secrets, undefined, parsed.spec.nodes[0].name),
        { cause: error },
      );
    }
  },

  async read(id, props, ctx) {
    const parsed = parse(props);
    const secrets = pairSecretsProperty(props);
    const status = await pairStatus(parsed.spec, parsed.hosts);
    if (status.primary === null)
      ctx.log.warn("no primary", { pair: parsed.spec.name, replication: status.replication });
    const state = stateOf(props, parsed.spec, secrets, status, String(props.primary ?? ""));
    const inputs: WireProps = {
      spec: props.spec,
      hosts: state.hosts,
      readyFile: props.readyFile,
      readyTimeoutSeconds: state.readyTimeoutSeconds,
      ...(props.nodeInstances === undefined ? {} : { nodeInstances: props.nodeInstances }),
    };
    return { id, props: state, inputs };
  },

  async update(_id, olds, news, ctx) {
    const parsed = parse(news);
    // Check and Diff made sure given secrets only complete the state's. Without them, state written
    // before backups (or TLS) existed has no repository key (or CA): the first update adds it.
    const secrets = givenSecrets(news) ?? completedSecrets(pairSecretsProperty(olds), parsed.spec.name);
    const before = parse(olds);
    const changes = nodeChanges(
      { nodes: before.spec.nodes, nodeInstances: before.inputs.nodeInstances },
      { nodes: parsed.spec.nodes, nodeInstances: parsed.inputs.nodeInstances },
      typeof olds.primary === "string" ? olds.primary : undefined,
    );
    if (changes.replace.length > 0) {
      await waitForPairHosts(parsed.hosts, {
        readyFile: parsed.inputs.readyFile,
        timeoutMs: parsed.inputs.readyTimeoutSeconds * 1000,
      });
      await replaceNodes(before, parsed, changes.replace, secrets, ctx);
    }
    const { result, status } = await converge(parsed, secrets, ctx);
    await growDataFilesystems(parsed.spec, parsed.hosts, changes.grow, {
      onProgress: (event) => ctx.log.debug("grow", { ...event }),
    });
    return { outs: stateOf(news, parsed.spec, secrets, status, result.primary) };
  },

  async delete(_id, props, ctx) {
    const parsed = parse(props);
    const secrets = pairSecretsProperty(props);
    const { unreachable } = await teardownPair(parsed.spec, parsed.hosts, {
      postgresSshPublicKey: secrets.postgresSshPublicKey,
    });
    for (const gone of unreachable) {
      await ctx.warn(
        `${gone.member} (${gone.host}) is unreachable (${gone.reason}): taken as gone, nothing of pair ` +
          `${parsed.spec.name} was removed there. If that host comes back, remove its pgaas services and ` +
          'files (docs/operations.md, "Destroy with a dead node") or delete the host.',
        { pair: parsed.spec.name, member: gone.member, host: gone.host },
      );
    }
    ctx.log.info("pair torn down", {
      pair: parsed.spec.name,
      unreachable: unreachable.map((gone) => gone.member),
    });
  },
};
