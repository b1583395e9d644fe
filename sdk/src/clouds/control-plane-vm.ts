// What a cloud hands to ControlPlane: its VM, reachable over SSH with a pinned host key, its stable
// address, and the resources installation waits for. Shared by the OpenStack and GCP wiring.
import { CONTROL_PLANE_PORT } from "@pgaas/common/wire";
import type * as pulumi from "@pulumi/pulumi";
import type { ControlPlaneArgs, WitnessPortRange } from "../control-plane-args.js";
import type { HostConnectionInput } from "../native/types.js";

export const DEFAULT_WITNESS_PORTS: WitnessPortRange = { first: 5433, last: 5452 };
export const DEFAULT_CONTROL_PLANE_DATA_GB = 20;

export interface ControlPlaneVm {
  readonly address: pulumi.Output<string>;
  readonly connection: HostConnectionInput;
  readonly hostKeySha256: pulumi.Output<string>;
  /** The instance and its data volume's attachment: installation waits for them. */
  readonly instances: pulumi.Resource[];
}

export interface ControlPlaneContext {
  readonly name: string;
  readonly args: ControlPlaneArgs;
  readonly parent: pulumi.Resource;
}

/** One inbound rule of the control-plane host: the same plan for every cloud. */
export interface ControlPlaneRule {
  readonly suffix: string;
  readonly description: string;
  readonly ports: { readonly first: number; readonly last: number };
  readonly cidrs: pulumi.Input<string>[];
}

/** HTTPS from nodes and users, the witness ports from nodes, SSH from the admin network: nothing else. */
export function controlPlaneRules(args: ControlPlaneArgs): ControlPlaneRule[] {
  const witness = args.witnessPorts ?? DEFAULT_WITNESS_PORTS;
  return [
    {
      suffix: "https",
      description: "pgaas control plane: API and portal from the pairs' nodes (agents) and users",
      ports: { first: CONTROL_PLANE_PORT, last: CONTROL_PLANE_PORT },
      cidrs: [...args.nodeCidrs, ...args.userCidrs],
    },
    {
      suffix: "witness",
      description: "pgaas control plane: the pairs' witnesses, from their nodes",
      ports: witness,
      cidrs: args.nodeCidrs,
    },
    {
      suffix: "ssh",
      description: "pgaas control plane: SSH from the network pulumi up runs from",
      ports: { first: 22, last: 22 },
      cidrs: [args.adminCidr],
    },
  ];
}
