// Rolling updates in one `pulumi up` (PostgresPairArgs.rollingUpdates): the chain
//   drain(S) → VM(S) → settle(S) → drain(P) → VM(P) → settle(P) → PairConfiguration
// for the standby S and the primary P as the control plane sees them when the program runs. Each step
// is a NodeRollout: the drain switches over only when its node is the primary right now, the settle
// waits until its node streams synchronously again (or replaces it on a new VM). The order is wired
// through promises (`dependsOn` accepts one), so it may flip between runs; every step checks reality.
import type * as pulumi from "@pulumi/pulumi";
import { NODE_NAMES, type PlannedHost } from "./clouds/pair-hosts.js";
import { getPair, isPairNotFound } from "./get-pair.js";
import { NodeRolloutResource } from "./native/node-rollout.js";
import type { HostConnectionInput, PairSpecInput } from "./native/types.js";

export type NodeOrder = readonly [string, string];

/** n1 first unless the control plane names n1 the primary: a new or unregistered pair starts with n1. */
export async function rolloutOrder(
  name: string,
  register: boolean,
  parent: pulumi.Resource,
): Promise<NodeOrder> {
  const [n1, n2] = NODE_NAMES;
  if (!register) return [n1, n2];
  try {
    const pair = await getPair({ name }, { parent });
    return pair.primary === n1 ? [n2, n1] : [n1, n2];
  } catch (error) {
    // A control plane that cannot answer fails the program: guessing could drain the primary last.
    if (isPairNotFound(error)) return [n1, n2];
    throw error;
  }
}

/** What each node's VM waits for: its drain, handed over once the chain is wired. */
export class NodeGates {
  readonly #opened = new Map<string, (drain: pulumi.Resource[]) => void>();
  readonly #gates = new Map<string, Promise<pulumi.Resource[]>>(
    NODE_NAMES.map((node) => [node, new Promise((resolve) => this.#opened.set(node, resolve))]),
  );

  readonly gate = (node: string): Promise<pulumi.Resource[]> => {
    const gate = this.#gates.get(node);
    if (gate === undefined) throw new TypeError(`no node ${node}`);
    return gate;
  };

  open(node: string, drain: pulumi.Resource[]): void {
    this.#opened.get(node)?.(drain);
  }
}

export interface RolloutChainArgs {
  readonly name: string;
  readonly parent: pulumi.Resource;
  readonly order: Promise<NodeOrder>;
  readonly gates: NodeGates;
  readonly nodes: readonly PlannedHost[];
  readonly spec: PairSpecInput;
  readonly hosts: HostConnectionInput[];
  readonly pairSecrets: pulumi.Input<string>;
}

/** Creates each node's drain and settle and opens its VM's gate; resolves to the last settle. */
export function rolloutChain(args: RolloutChainArgs): Promise<pulumi.Resource[]> {
  const { name, parent, order, gates, spec, hosts, pairSecrets } = args;
  const settles = new Map<string, NodeRolloutResource>();
  for (const node of args.nodes) {
    const step = { node: node.name, spec, hosts, pairSecrets };
    // The second node's drain waits for the first node's settle: its standby streams again.
    const afterFirst: Promise<pulumi.Resource[]> = order.then(([first]) =>
      first === node.name ? [] : [settles.get(first) as pulumi.Resource],
    );
    const drain = new NodeRolloutResource(
      `${name}-${node.name}-drain`,
      { ...step, phase: "drain", shape: node.shape ?? {} },
      { parent, dependsOn: afterFirst },
    );
    gates.open(node.name, [drain]);
    settles.set(
      node.name,
      new NodeRolloutResource(
        `${name}-${node.name}-settle`,
        { ...step, phase: "settle", instance: node.instance },
        { parent, dependsOn: [...(node.vm ?? [])] },
      ),
    );
  }
  return order.then(([, second]) => [settles.get(second) as pulumi.Resource]);
}
