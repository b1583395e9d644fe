// The demo pair `npm start` runs on the local lab: n1 and n2 with a VIP, the witness on w, agents
// reporting to the control plane on the lab's host side.
import { type PairHosts, type PairSpec, parsePairSpec } from "../../provider/src/engine/index.js";
import type { LocalLab } from "../../provider/src/engine/local/index.js";

export const DEMO_HOSTS = ["n1", "n2", "w"] as const;

export function demoPairSpec(lab: LocalLab, name: string, controlPlaneUrl: string): PairSpec {
  const base = lab.subnet.replace(/\.0\/24$/, "");
  return parsePairSpec({
    name,
    postgres: { memoryMb: 512 },
    nodes: [
      { name: "n1", address: lab.host("n1").address },
      { name: "n2", address: lab.host("n2").address },
    ],
    witness: { name: "w", address: lab.host("w").address, port: 5432 },
    endpoint: { kind: "vip", address: `${base}.100`, interface: "eth0" },
    network: {
      nodeCidr: lab.subnet,
      clientCidrs: [`${lab.hostAddress}/32`],
      controlPlaneCidrs: [`${lab.hostAddress}/32`],
    },
    agent: { controlPlaneUrl },
  });
}

export function labPairHosts(lab: LocalLab): PairHosts {
  const host = (name: string) => ({ ssh: lab.host(name).ssh, serviceManager: lab.host(name).serviceManager });
  return { nodes: [host("n1"), host("n2")], witness: host("w") };
}
