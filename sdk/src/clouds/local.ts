// Local hosts: three network namespaces on this machine (two nodes and the witness) from the
// provider's LocalHosts resource; the control plane runs on the host side of the lab bridge (.1).
import * as pulumi from "@pulumi/pulumi";
import { type LocalHostState, LocalHostsResource } from "../native/local-hosts.js";
import type { LocalPairArgs } from "../postgres-pair-args.js";
import { type CloudContext, NODE_NAMES, type PairHosts, type PlannedHost } from "./pair-hosts.js";

export const LOCAL_WITNESS = "w";

/** Address `.last` of a /24 ("10.231.60.0/24", 100 → "10.231.60.100"). */
export function addressInSubnet(subnet: string, last: number): string {
  const base = subnet.split("/")[0]?.split(".").slice(0, 3);
  if (base?.length !== 3) throw new TypeError(`not a /24: ${subnet}`);
  return `${base.join(".")}.${last}`;
}

/** The VIP of a local pair: .100 of the lab subnet (hosts take .2 upwards). */
export const LOCAL_VIP_OCTET = 100;

export function createLocalHosts(ctx: CloudContext, local: LocalPairArgs): PairHosts {
  const { name, parent } = ctx;
  const lab = new LocalHostsResource(
    `${name}-hosts`,
    {
      prefix: local.prefix ?? "pgl",
      subnet: local.subnet,
      hosts: [...NODE_NAMES, LOCAL_WITNESS],
      stateDir: local.stateDir ?? `.pgaas/local/${name}`,
    },
    { parent },
  );
  const planned = (hostName: string): PlannedHost => {
    const state = lab.hostStates.apply((hosts) => findHost(hosts, hostName));
    const address = state.address;
    return {
      name: hostName,
      address,
      connection: {
        name: hostName,
        host: address,
        port: state.sshPort,
        username: state.sshUsername,
        privateKey: pulumi.secret(lab.sshPrivateKey),
        hostKeySha256: state.hostKeySha256,
        serviceManager: "detached",
      },
    };
  };
  return {
    nodes: [planned(NODE_NAMES[0]), planned(NODE_NAMES[1])],
    witness: planned(LOCAL_WITNESS),
    endpointKind: "vip",
    endpointAddress: addressInSubnet(local.subnet, LOCAL_VIP_OCTET),
    publicEndpointAddress: undefined,
    interfaceName: "eth0",
    nodeCidr: local.subnet,
    controlPlaneCidr: pulumi.interpolate`${lab.hostAddress}/32`,
    memoryMb: 256,
    readyFile: undefined,
    instances: [lab],
  };
}

function findHost(hosts: readonly LocalHostState[], name: string): LocalHostState {
  const host = hosts.find((candidate) => candidate.name === name);
  if (host === undefined) throw new Error(`LocalHosts has no host ${name}`);
  return host;
}
