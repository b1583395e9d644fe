// Shared by the pair system tests: a spec for a lab (n1, n2 and the witness w), the hosts, and a
// progress printer. The lab's host side (.1) plays the control plane and the clients.

import {
  type PairHosts,
  type PairSpec,
  type ProgressEvent,
  parsePairSpec,
} from "../../provider/src/engine/index.js";
import type { LocalLab } from "../../provider/src/engine/local/index.js";

export const LAB_HOSTS = ["n1", "n2", "w"] as const;

export function labPairSpec(lab: LocalLab, name: string): PairSpec {
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
  });
}

export function labPairHosts(lab: LocalLab): PairHosts {
  const host = (name: string) => ({ ssh: lab.host(name).ssh, serviceManager: lab.host(name).serviceManager });
  return { nodes: [host("n1"), host("n2")], witness: host("w") };
}

export function printProgress(event: ProgressEvent): void {
  if (event.status === "start") return;
  const mark = event.changed ? "changed" : event.status;
  process.stdout.write(
    `  ${event.step.padEnd(14)} ${event.host.padEnd(5)} ${mark.padEnd(8)} ${String(event.durationMs).padStart(6)} ms ${event.detail ?? ""}\n`,
  );
}

/** On failure: the tail of every member's logs, so a broken run explains itself. */
export async function dumpLogs(spec: PairSpec): Promise<void> {
  const { readFile, readdir } = await import("node:fs/promises");
  for (const member of [...spec.nodes.map((n) => n.name), spec.witness.name]) {
    const dir = `/var/log/pgaas/${spec.name}/${member}`;
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files) {
      const text = await readFile(`${dir}/${file}`, "utf8").catch(() => "");
      process.stdout.write(`----- ${dir}/${file}\n${text.split("\n").slice(-25).join("\n")}\n`);
    }
  }
}
