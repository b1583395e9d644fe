// What changed about the nodes' hosts between two PairConfiguration inputs: a node whose VM was
// replaced (its instance id, or its address, changed) moves with replaceMember; a node whose data volume
// grew gets its filesystem grown online. A flavor or machine type resized in place changes neither: the
// VM rebooted with its disk, and the convergence that follows brings it back as it was.
import type { PairSpec } from "@pgaas/engine";
import { z } from "zod";
import type { HostConnection } from "./host-connections.js";

/** One node's VM as the cloud reports it: PairConfiguration's input, so a replaced VM is reconfigured. */
export const NodeInstance = z.object({
  name: z.string().min(1),
  instanceId: z.string().min(1),
  /** Flavor (OpenStack) or machine type (GCP): recorded, so a resize shows in the diff. */
  size: z.string().min(1).optional(),
  dataVolumeSizeGb: z.number().int().min(1).optional(),
});
export type NodeInstance = z.infer<typeof NodeInstance>;

export const NodeInstances = z
  .array(NodeInstance)
  .max(2)
  .refine(
    (nodes) => new Set(nodes.map((node) => node.name)).size === nodes.length,
    "node names must be unique",
  );

export interface NodeSide {
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly nodeInstances?: readonly NodeInstance[] | undefined;
}

export interface NodeChanges {
  /** Nodes on a new host, the current standby's first (replacing the primary's costs the switchover). */
  readonly replace: readonly string[];
  /** Nodes whose data volume grew. */
  readonly grow: readonly string[];
}

/**
 * `primaryHint` is the primary the state last saw: moving the other node first leaves one switchover.
 * A stale hint (a failover since the last refresh) costs one more switchover, never data: replaceMember
 * switches over whenever the node it moves is the primary.
 */
export function nodeChanges(olds: NodeSide, news: NodeSide, primaryHint: string | undefined): NodeChanges {
  const instance = (side: NodeSide, name: string) => side.nodeInstances?.find((node) => node.name === name);
  const replace: string[] = [];
  const grow: string[] = [];
  for (const node of news.nodes) {
    const before = olds.nodes.find((candidate) => candidate.name === node.name);
    if (before === undefined) continue;
    const [was, now] = [instance(olds, node.name), instance(news, node.name)];
    const movedVm = was !== undefined && now !== undefined && was.instanceId !== now.instanceId;
    if (movedVm || before.address !== node.address) replace.push(node.name);
    if ((now?.dataVolumeSizeGb ?? 0) > (was?.dataVolumeSizeGb ?? Number.POSITIVE_INFINITY))
      grow.push(node.name);
  }
  replace.sort((a, b) => Number(a === primaryHint) - Number(b === primaryHint));
  return { replace, grow };
}

export interface PairSide {
  readonly spec: PairSpec;
  readonly hosts: readonly HostConnection[];
}

/**
 * The pair as it stands while the nodes in `moved` are (being) moved: those at their new address and
 * host, every other node still at its old ones, the rest of the spec (and the witness) as it is to be.
 */
export function pairWhileMoving(
  before: PairSide,
  after: PairSide,
  moved: ReadonlySet<string>,
): { spec: PairSpec; connections: HostConnection[] } {
  const stays = (name: string) => !moved.has(name) && before.spec.nodes.some((node) => node.name === name);
  const nodes = after.spec.nodes.map((node) =>
    stays(node.name) ? (before.spec.nodes.find((old) => old.name === node.name) ?? node) : node,
  ) as unknown as PairSpec["nodes"];
  const connections = after.hosts.map((host) =>
    stays(host.name) ? (before.hosts.find((old) => old.name === host.name) ?? host) : host,
  );
  return { spec: { ...after.spec, nodes }, connections };
}
