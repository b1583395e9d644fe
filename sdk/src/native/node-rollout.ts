import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";
import type { HostConnectionInput, NodeInstanceInput, PairSpecInput } from "./types.js";

/** The shape a node's VM is to have: program inputs, never the VM's outputs (the VM waits for the drain). */
export interface NodeShapeInput {
  /** Flavor (OpenStack) or machine type (GCP). */
  size?: pulumi.Input<string>;
  image?: pulumi.Input<string>;
}

export interface NodeRolloutResourceArgs {
  /** The node this step moves. */
  node: pulumi.Input<string>;
  /** "drain" before the node's VM changes, "settle" after. */
  phase: pulumi.Input<"drain" | "settle">;
  /** The pair as it stands when this step runs. */
  spec: pulumi.Input<PairSpecInput>;
  hosts: pulumi.Input<pulumi.Input<HostConnectionInput>[]>;
  /** The pair's secrets (`PairSecretsResource.pairSecrets`). */
  pairSecrets: pulumi.Input<string>;
  /** drain only: the shape the node's VM is to have. */
  shape?: pulumi.Input<NodeShapeInput>;
  /** settle only: the node's VM as the cloud reports it. */
  instance?: pulumi.Input<NodeInstanceInput>;
  /** settle: how long to wait for the node to stream synchronously again. Default 600. */
  settleTimeoutSeconds?: pulumi.Input<number>;
}

/**
 * `pgaas:index:NodeRollout`: one step of a rolling replacement. drain switches over when the node is
 * the primary right now; settle replaces the member (new VM) or waits until it streams synchronously.
 */
export class NodeRolloutResource extends pulumi.CustomResource {
  constructor(name: string, args: NodeRolloutResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:NodeRollout",
      name,
      { ...args, pairSecrets: pulumi.secret(args.pairSecrets) },
      pgaasResourceOptions(opts, ["pairSecrets", "hosts"]),
    );
  }
}
