// Namespaces, bridge and veths of a lab, each step idempotent (checked before it is made, `replace`
// where iproute2 offers it). Nothing but `<prefix>-h` and its address touches the root namespace.
import { LocalDriverError } from "./errors.js";
import { BRIDGE, HOST_INTERFACE, type LabPlan, type PlannedHost, UPLINK } from "./lab-plan.js";
import { runLocal, runLocalChecked, TOOLS } from "./system.js";

const ip = (...args: string[]) => runLocalChecked([TOOLS.ip, ...args]);
const ipSucceeds = async (...args: string[]) => (await runLocal([TOOLS.ip, ...args])).code === 0;

export async function listNamespaces(): Promise<Set<string>> {
  const { stdout } = await ip("netns", "list");
  return new Set(
    stdout
      .split("\n")
      .map((line) => line.split(" ")[0] ?? "")
      .filter((name) => name.length > 0),
  );
}

async function ensureNamespace(name: string): Promise<void> {
  if (!(await listNamespaces()).has(name)) await ip("netns", "add", name);
  await ip("-n", name, "link", "set", "lo", "up");
}

export function linkExists(link: string, namespace?: string): Promise<boolean> {
  return namespace === undefined
    ? ipSucceeds("link", "show", "dev", link)
    : ipSucceeds("-n", namespace, "link", "show", "dev", link);
}

/** The switch namespace with its bridge, and the host side's veth with address .1. */
export async function ensureSwitch(plan: LabPlan): Promise<void> {
  const sw = plan.switchNamespace;
  await ensureNamespace(sw);
  if (!(await linkExists(BRIDGE, sw))) await ip("-n", sw, "link", "add", BRIDGE, "type", "bridge");
  await ip("-n", sw, "link", "set", BRIDGE, "up");
  if (!(await linkExists(plan.hostLink))) {
    await ip("link", "add", plan.hostLink, "type", "veth", "peer", "name", UPLINK, "netns", sw);
  }
  await ip("-n", sw, "link", "set", UPLINK, "master", BRIDGE, "up");
  await ip("addr", "replace", `${plan.hostAddress}/${plan.prefixLength}`, "dev", plan.hostLink);
  await ip("link", "set", plan.hostLink, "up");
}

/** A host namespace wired to the bridge, with its address and ip_nonlocal_bind (PostgreSQL listens on a VIP it may not hold). */
export async function ensureHostNetwork(plan: LabPlan, host: PlannedHost): Promise<void> {
  const sw = plan.switchNamespace;
  await ensureNamespace(host.namespace);
  if (!(await linkExists(host.switchPort, sw))) {
    await ip(
      "-n",
      sw,
      "link",
      "add",
      host.switchPort,
      "type",
      "veth",
      "peer",
      "name",
      HOST_INTERFACE,
      "netns",
      host.namespace,
    );
  }
  await ip("-n", sw, "link", "set", host.switchPort, "master", BRIDGE, "up");
  await ip(
    "-n",
    host.namespace,
    "addr",
    "replace",
    `${host.address}/${plan.prefixLength}`,
    "dev",
    HOST_INTERFACE,
  );
  await ip("-n", host.namespace, "link", "set", HOST_INTERFACE, "up");
  await runLocalChecked([
    TOOLS.ip,
    "netns",
    "exec",
    host.namespace,
    "sysctl",
    "-q",
    "-w",
    "net.ipv4.ip_nonlocal_bind=1",
  ]);
}

/** PIDs of every process whose network namespace is `namespace`. */
export async function namespacePids(namespace: string): Promise<number[]> {
  const result = await runLocal([TOOLS.ip, "netns", "pids", namespace]);
  if (result.code !== 0) return [];
  return result.stdout
    .split("\n")
    .map((line) => Number(line.trim()))
    .filter((pid) => Number.isInteger(pid) && pid > 0);
}

const KILL_ROUNDS = 50;

/** Kills every process in the namespace by PID (bounded: 50 rounds of 100 ms), then deletes it. */
export async function deleteNamespace(namespace: string): Promise<void> {
  if (!(await listNamespaces()).has(namespace)) return;
  for (let round = 0; round < KILL_ROUNDS; round += 1) {
    const pids = await namespacePids(namespace);
    if (pids.length === 0) break;
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await ip("netns", "delete", namespace);
}

/** Deletes a root-namespace link if it exists. Deleting a veth's peer namespace removes it too, asynchronously. */
export async function deleteLink(link: string): Promise<void> {
  const result = await runLocal([TOOLS.ip, "link", "delete", link]);
  if (result.code !== 0 && (await linkExists(link))) {
    throw new LocalDriverError("command_failed", `ip link delete ${link}: ${result.stderr.trim()}`);
  }
}
