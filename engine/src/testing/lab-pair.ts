// A pair on a local lab (namespace hosts n1, n2 and w): the spec and host targets tests, benches and
// the demo stack use. The lab's host side (.1) is the control plane and the client network.
import { POSTGRES_PORT } from "@pgaas/common/wire";
import type { PairHosts } from "../hosts.js";
import type { LocalLab } from "../local/lab-types.js";
import { type PairSpec, type PairSpecInput, parsePairSpec } from "../spec.js";

export const LAB_PAIR_HOSTS = ["n1", "n2", "w"] as const;

export function labPairSpec(
  lab: LocalLab,
  name: string,
  options: { controlPlaneUrl?: string; controlPlaneCa?: string; backup?: PairSpecInput["backup"] } = {},
): PairSpec {
  const base = lab.subnet.replace(/\.0\/24$/, "");
  return parsePairSpec({
    name,
    postgres: { memoryMb: 512 },
    nodes: [
      { name: "n1", address: lab.host("n1").address },
      { name: "n2", address: lab.host("n2").address },
    ],
    witness: { name: "w", address: lab.host("w").address, port: POSTGRES_PORT },
    endpoint: { kind: "vip", address: `${base}.100`, interface: "eth0" },
    network: {
      nodeCidr: lab.subnet,
      clientCidrs: [`${lab.hostAddress}/32`],
      controlPlaneCidrs: [`${lab.hostAddress}/32`],
    },
    ...(options.controlPlaneUrl
      ? {
          agent: {
            controlPlaneUrl: options.controlPlaneUrl,
            ...(options.controlPlaneCa ? { controlPlaneCa: options.controlPlaneCa } : {}),
          },
        }
      : {}),
    ...(options.backup ? { backup: options.backup } : {}),
  });
}

export function labPairHosts(lab: LocalLab): PairHosts {
  const host = (name: string) => ({ ssh: lab.host(name).ssh, serviceManager: lab.host(name).serviceManager });
  return { nodes: [host("n1"), host("n2")], witness: host("w") };
}
