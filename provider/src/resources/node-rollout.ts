// pgaas:index:NodeRollout — one step of a rolling replacement in one `pulumi up`, one resource per node
// and phase, chained drain(S) → VM(S) → settle(S) → drain(P) → VM(P) → settle(P) → PairConfiguration.
// `drain` runs before its node's VM changes: the switchover when that node is the primary right now
// (checked live, never from a stored role), nothing otherwise. `settle` runs after its node's VM
// changed: replaceMember when the VM was replaced, otherwise a bounded wait until the node streams
// synchronously again, then the filesystem grown when the volume grew. Create is a no-op: a new pair is
// bootstrapped by PairConfiguration. The state is written only when an update succeeds, so a rerun after
// an interruption repeats exactly the unfinished step, and every step first checks what is real.
import { ConflictError } from "@pgaas/common";
import {
  growDataFilesystems,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type PairStatus,
  pairStatus,
  parsePairSpec,
  replaceMember,
  switchover,
} from "@pgaas/engine";
import { z } from "zod";
import { sameValue, unwrapSecrets, wireSecret } from "../plugin/wire-values.js";
import { HostConnections, hostTarget, pairHostsFor } from "./host-connections.js";
import { NodeInstance } from "./node-changes.js";
import { parseSecretsJson } from "./pair-secrets.js";
import {
  parseInputs,
  type ResourceContext,
  type ResourceHandler,
  schemaFailures,
  type WireProps,
} from "./resource-handler.js";

export const NODE_ROLLOUT_TOKEN = "pgaas:index:NodeRollout";

const DEFAULT_SETTLE_TIMEOUT_SECONDS = 600;

/** The shape a node's VM is to have (program inputs, never VM outputs: the VM depends on the drain). */
export const NodeShape = z.object({
  /** Flavor (OpenStack) or machine type (GCP). */
  size: z.string().min(1).optional(),
  image: z.string().min(1).optional(),
});

export const NodeRolloutInputs = z
  .object({
    node: z.string().min(1),
    phase: z.enum(["drain", "settle"]),
    /** The pair as it stands when this step runs (the engine's spec). */
    spec: z.record(z.string(), z.unknown()),
    hosts: HostConnections,
    /** The pair's secrets from its PairSecrets (JSON). */
    pairSecrets: z.string().min(1),
    /** drain: the shape the node's VM is to have. */
    shape: NodeShape.optional(),
    /** settle: the node's VM as the cloud reports it. */
    instance: NodeInstance.optional(),
    /** settle: bound on the wait for the node to stream synchronously again. */
    settleTimeoutSeconds: z.number().int().min(1).max(7200).default(DEFAULT_SETTLE_TIMEOUT_SECONDS),
  })
  .refine((inputs) => (inputs.phase === "drain") === (inputs.shape !== undefined), {
    message: "drain takes shape, settle does not",
    path: ["shape"],
  })
  .refine((inputs) => (inputs.phase === "settle") === (inputs.instance !== undefined), {
    message: "settle takes instance, drain does not",
    path: ["instance"],
  });
export type NodeRolloutInputs = z.infer<typeof NodeRolloutInputs>;

/** The engine operations a step runs (the real ones over SSH; fakes in unit tests). */
export interface RolloutOperations {
  pairStatus(
    spec: PairSpec,
    hosts: PairHosts,
  ): Promise<Pick<PairStatus, "primary" | "nodes" | "replication">>;
  switchover(spec: PairSpec, hosts: PairHosts, secrets: PairSecrets): Promise<unknown>;
  replaceMember(
    spec: PairSpec,
    hosts: PairHosts,
    options: Parameters<typeof replaceMember>[2],
  ): Promise<unknown>;
  growDataFilesystems(spec: PairSpec, hosts: PairHosts, nodes: readonly string[]): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

const engineOperations: RolloutOperations = {
  pairStatus,
  switchover,
  replaceMember,
  growDataFilesystems,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: Date.now,
};

interface Step {
  readonly inputs: NodeRolloutInputs;
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
  readonly secrets: PairSecrets;
}

function stepOf(props: WireProps): Step {
  const inputs = parseInputs(NodeRolloutInputs, props);
  const spec = parsePairSpec(inputs.spec);
  return {
    inputs,
    spec,
    hosts: pairHostsFor(spec, inputs.hosts),
    secrets: parseSecretsJson(inputs.pairSecrets, "pairSecrets"),
  };
}

/** What a step acts on: the shape for a drain, the instance for a settle. Anything else is context. */
function trigger(props: WireProps): unknown {
  return unwrapSecrets(props.phase === "drain" ? props.shape : props.instance);
}

function stateOf(props: WireProps): WireProps {
  return {
    ...props,
    settleTimeoutSeconds: props.settleTimeoutSeconds ?? DEFAULT_SETTLE_TIMEOUT_SECONDS,
    hosts: wireSecret(unwrapSecrets(props.hosts)),
    pairSecrets: wireSecret(unwrapSecrets(props.pairSecrets)),
  };
}

const POLL_MS = 2000;

/**
 * `node` replicates from a running primary as the spec wants: acknowledging commits (the engine's
 * "synchronous": with two nodes only the standby can), or streaming at all in asynchronous mode.
 */
function replicatesAsWanted(
  step: Step,
  status: Pick<PairStatus, "primary" | "nodes" | "replication">,
): boolean {
  const { node } = step.inputs;
  if (status.primary === null || status.primary === node) return false;
  if (step.spec.replication.mode === "asynchronous")
    return (status.nodes.find((candidate) => candidate.name === node)?.syncState ?? null) !== null;
  return status.replication === "synchronous";
}

/** Waits, bounded, until `node` is a streaming synchronous standby of a running primary. */
async function waitUntilSynchronous(step: Step, ops: RolloutOperations): Promise<void> {
  const deadline = ops.now() + step.inputs.settleTimeoutSeconds * 1000;
  const { node } = step.inputs;
  for (;;) {
    const status = await ops.pairStatus(step.spec, step.hosts);
    if (replicatesAsWanted(step, status)) return;
    if (ops.now() >= deadline)
      throw new ConflictError(
        `${node} is not a synchronous standby after ${step.inputs.settleTimeoutSeconds} s ` +
          `(primary ${status.primary ?? "none"}, replication ${status.replication}, its sync state ` +
          `${status.nodes.find((candidate) => candidate.name === node)?.syncState ?? "none"}): ` +
          "the other node is not touched until it is; run `pulumi up` again once it streams",
        { code: "node_not_synchronous" },
      );
    await ops.sleep(POLL_MS);
  }
}

async function drain(step: Step, ops: RolloutOperations, ctx: ResourceContext): Promise<void> {
  const { node } = step.inputs;
  const status = await ops.pairStatus(step.spec, step.hosts);
  if (status.primary !== node) {
    ctx.log.info("drain: not the primary, nothing to move", { node, primary: status.primary });
    return;
  }
  await ops.switchover(step.spec, step.hosts, step.secrets);
  ctx.log.info("drain: switched over", { node });
}

async function settle(before: Step, step: Step, ops: RolloutOperations, ctx: ResourceContext) {
  const { node } = step.inputs;
  const was = before.inputs.instance;
  const now = step.inputs.instance;
  if (was !== undefined && now !== undefined && was.instanceId !== now.instanceId) {
    const previousHost = before.inputs.hosts.find((host) => host.name === node);
    const previousAddress = before.spec.nodes.find((candidate) => candidate.name === node)?.address;
    await ops.replaceMember(step.spec, step.hosts, {
      node,
      secrets: step.secrets,
      ...(previousHost === undefined || previousAddress === undefined
        ? {}
        : { previous: { host: hostTarget(previousHost), address: previousAddress } }),
      syncTimeoutMs: step.inputs.settleTimeoutSeconds * 1000,
    });
    ctx.log.info("settle: node replaced", { node });
  } else {
    await waitUntilSynchronous(step, ops);
  }
  if ((now?.dataVolumeSizeGb ?? 0) > (was?.dataVolumeSizeGb ?? Number.POSITIVE_INFINITY)) {
    await ops.growDataFilesystems(step.spec, step.hosts, [node]);
    ctx.log.info("settle: filesystem grown", { node });
  }
}

export function nodeRolloutHandler(ops: RolloutOperations = engineOperations): ResourceHandler {
  return {
    token: NODE_ROLLOUT_TOKEN,

    async check(_olds, news) {
      return { inputs: news, failures: schemaFailures(NodeRolloutInputs, news) };
    },

    async diff(_id, olds, news) {
      // Another node or phase is another step. Any other change is an update so the state keeps the
      // pair as it now stands (a settle's replaceMember needs the node's previous host from it); only a
      // new shape (drain) or VM (settle) makes the update act.
      const replaces = ["node", "phase"].filter((key) => !sameValue(olds[key], news[key]));
      return { changes: replaces.length > 0 || !sameValue(olds, stateOf(news)), replaces };
    },

    async create(props) {
      // A new pair (or a chain just switched on): nothing runs yet, PairConfiguration bootstraps.
      const { inputs } = stepOf(props);
      return { id: `${inputs.node}-${inputs.phase}`, outs: stateOf(props) };
    },

    async read(id, props) {
      return { id, props, inputs: props };
    },

    async update(_id, olds, news, ctx) {
      const step = stepOf(news);
      if (sameValue(trigger(olds), trigger(news))) return { outs: stateOf(news) };
      if (step.inputs.phase === "drain") await drain(step, ops, ctx);
      else await settle(stepOf(olds), step, ops, ctx);
      return { outs: stateOf(news) };
    },

    async delete() {
      // A step leaves nothing behind.
    },
  };
}
