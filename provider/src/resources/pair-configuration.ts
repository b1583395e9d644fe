// pgaas:index:PairConfiguration — PostgreSQL primary + synchronous standby with repmgr, keepalived (VIP
// pairs), the fence watcher and the witness, configured over SSH by the pair engine. Settings and
// other spec changes update in place (the engine reloads, or restarts only when PostgreSQL says so);
// a changed node set replaces the pair. Read reflects reality: after a failover refresh shows the new
// primary. Generated credentials live in state only as secrets.
import { describeError, InputError } from "@pgaas/common";
import { ADMIN_ROLE } from "@pgaas/common/wire";
import {
  bootstrapPair,
  generatePairSecrets,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type PairStatus,
  pairSecretsFrom,
  pairStatus,
  parsePairSpec,
  revealPairSecrets,
  teardownPair,
  withBackupKey,
  withTlsCa,
} from "@pgaas/engine";
import { z } from "zod";
import { containsUnknowns, sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { HostConnections, memberNames, pairHostsFor } from "./host-connections.js";
import { ResourceInitError } from "./init-failure.js";
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

/** The pair's generated credentials as the state holds them (a secret JSON string). */
function storedSecrets(props: WireProps): PairSecrets {
  return pairSecretsFrom(JSON.parse(String(unwrapSecrets(props.pairSecrets))));
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

/** The node set: changing it replaces the pair (different hosts, different data directories). */
function nodeSet(spec: unknown): unknown {
  const value = unwrapSecrets(spec) as { name?: unknown; nodes?: unknown } | undefined;
  return { name: value?.name, nodes: value?.nodes };
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
    pairSecrets: wireSecret(JSON.stringify(revealPairSecrets(secrets))),
    caCertificate: secrets.tlsCa?.certificate ?? "",
  };
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

  async check(_olds, news) {
    const failures = [...schemaFailures(PairConfigurationInputs, news), ...specFailures(news)];
    return { inputs: withDefaults(news), failures };
  },

  async diff(_id, olds, news) {
    const next = withDefaults(news);
    const replaces =
      containsUnknowns(nodeSet(next.spec)) || !sameValue(nodeSet(olds.spec), nodeSet(next.spec))
        ? ["spec"]
        : [];
    const updates = [
      ...(sameValue(convergedSpec(olds.spec), convergedSpec(next.spec)) ? [] : ["spec"]),
      ...changedKeys(["hosts", "readyFile", "readyTimeoutSeconds"], olds, next),
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
    const secrets = generatePairSecrets(parsed.spec.name);
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
    const secrets = storedSecrets(props);
    const status = await pairStatus(parsed.spec, parsed.hosts);
    if (status.primary === null)
      ctx.log.warn("no primary", { pair: parsed.spec.name, replication: status.replication });
    const state = stateOf(props, parsed.spec, secrets, status, String(props.primary ?? ""));
    const inputs: WireProps = {
      spec: props.spec,
      hosts: state.hosts,
      readyFile: props.readyFile,
      readyTimeoutSeconds: state.readyTimeoutSeconds,
    };
    return { id, props: state, inputs };
  },

  async update(_id, olds, news, ctx) {
    const parsed = parse(news);
    // State written before backups (or TLS) existed has no repository key (or CA): the first update adds it.
    const secrets = withTlsCa(withBackupKey(storedSecrets(olds)), parsed.spec.name);
    const { result, status } = await converge(parsed, secrets, ctx);
    return { outs: stateOf(news, parsed.spec, secrets, status, result.primary) };
  },

  async delete(_id, props, ctx) {
    const parsed = parse(props);
    const secrets = storedSecrets(props);
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
