// Rolling updates in one `pulumi up` (PostgresPairArgs.rollingUpdates): the chain
//   drain(S) → VM(S) → settle(S) → drain(P) → VM(P) → settle(P) → PairConfiguration
// for the standby S and the primary P as the control plane sees them when the program runs. Each step
// is a NodeRollout: the drain switches over only when its node is the primary right now, the settle
// waits until its node streams synchronously again (or replaces it on a new VM). The order is wired
// through promises (`dependsOn` accepts one), so it may flip between runs; every step checks reality.
import type * as pulumi from "@pulumi/pulumi";
import { NODE_NAMES, type PairHosts, type PlannedHost } from "./clouds/pair-hosts.js";
import { getPair, isPairNotFound } from "./get-pair.js";
import { NodeRolloutResource } from "./native/node-rollout.js";
import type { HostConnectionInput, PairSpecInput } from "./native/types.js";

export type NodeOrder = readonly [string, string];

export interface RolloutPlan {
  /** Standby first: n1 first unless the control plane names n1 the primary. */
  readonly order: NodeOrder;
  /**
   * False on the pair's first `pulumi up` (the control plane knows no such pair): the VMs come first
   * as without rolling updates (n1's, then n2's), then the steps, whose create does nothing.
   */
  readonly chained: boolean;
  /** The nodes' addresses as the control plane knows them (a registered pair). */
  readonly addresses: ReadonlyMap<string, string>;
}

export async function rolloutPlan(
  name: string,
  register: boolean,
  parent: pulumi.Resource,
): Promise<RolloutPlan> {
  const [n1, n2] = NODE_NAMES;
  if (!register) return { order: [n1, n2], chained: true, addresses: new Map() };
  try {
    const pair = await getPair({ name }, { parent });
    return {
      order: pair.primary === n1 ? [n2, n1] : [n1, n2],
      chained: true,
      addresses: new Map(pair.nodes.map((node) => [node.name, node.address])),
    };
  } catch (error) {
    // A control plane that cannot answer fails the program: guessing could drain the primary last.
    if (isPairNotFound(error)) return { order: [n1, n2], chained: false, addresses: new Map() };
    throw error;
  }
}

type Gate = Promise<pulumi.Resource[] | undefined>;

/**
 * What each node's VM waits for: its drain (undefined: as without rolling updates), once wired. A plan
 * that failed fails the gates too: a VM waiting on a gate that never opens would hang the program.
 */
export class NodeGates {
  readonly #opened = new Map<
    string,
    { open: (drain: pulumi.Resource[] | undefined) => void; fail: (error: unknown) => void }
  >();
  readonly #gates = new Map<string, Gate>(
    NODE_NAMES.map((node) => [node, new Promise((open, fail) => this.#opened.set(node, { open, fail }))]),
  );

  readonly gate = (node: string): Gate => {
    const gate = this.#gates.get(node);
    if (gate === undefined) throw new TypeError(`no node ${node}`);
    return gate;
  };

  open(node: string, drain: pulumi.Resource[] | undefined): void {
    this.#opened.get(node)?.open(drain);
  }

  fail(error: unknown): void {
    for (const gate of this.#opened.values()) gate.fail(error);
  }
}

export interface RolloutChainArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly plan: Promise<RolloutPlan>;
  readonly gates: NodeGates;
  readonly hosts: PairHosts;
  /** The pair spec and host connections for the hosts as one step sees them. */
  readonly pairOf: (hosts: PairHosts) => { spec: PairSpecInput; connections: HostConnectionInput[] };
  readonly pairSecrets: pulumi.Input<string>;
}

/**
 * The hosts as the step (`node`, `phase`) sees them. Where addresses follow the VMs (GCP), a node whose
 * VM has not changed yet in this run is at the address the control plane knows: its VM's address would
 * make the step wait for the VM that waits for the step.
 */
function hostsForStep(args: RolloutChainArgs, node: string, phase: "drain" | "settle"): PairHosts {
  const { hosts, plan } = args;
  if (hosts.addressesFollowVms !== true) return hosts;
  const atStep = (host: PlannedHost): PlannedHost => {
    const address = plan.then((planned): pulumi.Input<string> => {
      const position = planned.order.indexOf(host.name);
      const changed =
        !planned.chained ||
        position < planned.order.indexOf(node) ||
        (host.name === node && phase === "settle");
      if (changed) return host.address;
      const known = planned.addresses.get(host.name);
      if (known === undefined) throw new Error(`the control plane lists no address for ${host.name}`);
      return known;
    }) as unknown as pulumi.Input<string>;
    return { ...host, address, connection: { ...host.connection, host: address } };
  };
  return { ...hosts, nodes: [atStep(hosts.nodes[0]), atStep(hosts.nodes[1])] };
}

/** Creates each node's drain and settle and opens its VM's gate; resolves to the last settle. */
export function rolloutChain(args: RolloutChainArgs): Promise<pulumi.Resource[]> {
  const { name, parent, plan, gates, pairSecrets } = args;
  const settles = new Map<string, NodeRolloutResource>();
  for (const node of args.hosts.nodes) {
    const step = (phase: "drain" | "settle") => {
      const { spec, connections } = args.pairOf(hostsForStep(args, node.name, phase));
      return { node: node.name, phase, spec, hosts: connections, pairSecrets };
    };
    // The second node's drain waits for the first node's settle: its standby streams again. On a first
    // `pulumi up` the steps come after both VMs.
    const afterFirst: Promise<pulumi.Resource[]> = plan.then(({ order, chained }) => [
      ...(chained ? [] : (args.hosts.nodes.flatMap((host) => host.vm ?? []) as pulumi.Resource[])),
      ...(order[0] === node.name ? [] : [settles.get(order[0]) as pulumi.Resource]),
    ]);
    const drain = new NodeRolloutResource(
      `${name}-${node.name}-drain`,
      { ...step("drain"), shape: node.shape ?? {} },
      { parent, dependsOn: afterFirst },
    );
    plan.then(
      ({ chained }) => gates.open(node.name, chained ? [drain] : undefined),
      (error: unknown) => gates.fail(error),
    );
    settles.set(
      node.name,
      new NodeRolloutResource(
        `${name}-${node.name}-settle`,
        { ...step("settle"), instance: node.instance },
        { parent, dependsOn: [...(node.vm ?? [])] },
      ),
    );
  }
  return plan.then(({ order }) => [settles.get(order[1]) as pulumi.Resource]);
}
