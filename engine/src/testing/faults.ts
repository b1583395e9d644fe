// Fault injection for drills. All idempotent, each a few bounded `ip` commands.
//
//   await isolateHost(lab, "n1");   // n1's switch port goes down: it vanishes silently for everyone
//   await restoreHost(lab, "n1");
//   await partition(lab, "n1", "n2"); // n1 and n2 lose each other; both still reach w and the host side
//   await heal(lab, "n1", "n2");
import { switchPortFor } from "../local/lab-plan.js";
import type { LocalLab } from "../local/lab-types.js";
import { runLocal, runLocalChecked, TOOLS } from "../local/system.js";

/**
 * Takes the host's port on the bridge down (a pulled cable): packets to and from it vanish with no
 * error; the host keeps its address and its own link stays administratively up.
 */
export async function isolateHost(lab: LocalLab, name: string): Promise<void> {
  lab.host(name);
  await runLocalChecked([TOOLS.ip, "-n", lab.switchNamespace, "link", "set", switchPortFor(name), "down"]);
}

export async function restoreHost(lab: LocalLab, name: string): Promise<void> {
  lab.host(name);
  await runLocalChecked([TOOLS.ip, "-n", lab.switchNamespace, "link", "set", switchPortFor(name), "up"]);
}

/** Blackhole routes in both hosts' namespaces: traffic between a and b is dropped, nothing else. */
export async function partition(lab: LocalLab, a: string, b: string): Promise<void> {
  const [hostA, hostB] = [lab.host(a), lab.host(b)];
  await runLocalChecked([
    TOOLS.ip,
    "-n",
    hostA.namespace,
    "route",
    "replace",
    "blackhole",
    `${hostB.address}/32`,
  ]);
  await runLocalChecked([
    TOOLS.ip,
    "-n",
    hostB.namespace,
    "route",
    "replace",
    "blackhole",
    `${hostA.address}/32`,
  ]);
}

export async function heal(lab: LocalLab, a: string, b: string): Promise<void> {
  const [hostA, hostB] = [lab.host(a), lab.host(b)];
  // `route del` of a route that is not there fails harmlessly: healing twice is fine.
  await runLocal([TOOLS.ip, "-n", hostA.namespace, "route", "del", "blackhole", `${hostB.address}/32`]);
  await runLocal([TOOLS.ip, "-n", hostB.namespace, "route", "del", "blackhole", `${hostA.address}/32`]);
}
