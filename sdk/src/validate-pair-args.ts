// Early, pure validation of PostgresPairArgs: each message names the arg and says how to fix it.
import { PairName } from "@pgaas/common/wire";
import { withControlPlane } from "./pair-control-plane.js";
import type { PostgresPairArgs } from "./postgres-pair-args.js";

export type CloudKind = "openstack" | "gcp" | "local";

export interface PairArgsProblem {
  readonly arg: string;
  readonly message: string;
}

const LOCAL_PREFIX = /^[a-z][a-z0-9]{0,5}$/;
const SUBNET_24 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/;
const ZONE = /^([a-z]+-[a-z]+\d+)-[a-z]$/;

/** The one cloud block that is set; throws naming the args when none or several are. */
export function selectCloud(args: PostgresPairArgs): CloudKind {
  const set = (["openstack", "gcp", "local"] as const).filter((key) => args[key] !== undefined);
  if (set.length !== 1) {
    throw new TypeError(
      `exactly one of openstack, gcp, local must be set (got ${set.length === 0 ? "none" : set.join(", ")})`,
    );
  }
  return set[0] as CloudKind;
}

function validPort(value: number | undefined): boolean {
  return value === undefined || (Number.isInteger(value) && value >= 1024 && value <= 65535);
}

/** Every problem with the args, empty when they are fine. `name` is the component's name. */
export function validatePairArgs(name: string, given: PostgresPairArgs): PairArgsProblem[] {
  const args = withControlPlane(given);
  const problems: PairArgsProblem[] = [];
  const add = (arg: string, message: string) => problems.push({ arg, message });
  // The same rule, in the same words, as the provider and the control plane (common's name rules).
  const checkedName = PairName.safeParse(name);
  if (!checkedName.success) {
    add(
      "name",
      `"${name}": ${checkedName.error.issues.map((issue) => issue.message).join(" ")} (it names the pair in repmgr and the control plane)`,
    );
  }
  let cloud: CloudKind | undefined;
  try {
    cloud = selectCloud(args);
  } catch (error) {
    add("openstack/gcp/local", (error as Error).message);
  }
  for (const key of ["port", "witnessPort", "agentPort"] as const) {
    if (!validPort(args[key])) add(key, `${key} must be an integer port in 1024–65535`);
  }
  if (cloud === "openstack" || cloud === "gcp") {
    for (const key of [
      "adminCidr",
      "sshPublicKey",
      "sshPrivateKey",
      "controlPlaneAddress",
      "witnessSshHostKeySha256",
    ] as const) {
      if (args[key] === undefined) add(key, `${key} is required on ${cloud}`);
    }
  }
  if (
    cloud === "openstack" &&
    args.openstack?.nodeFloatingIps &&
    args.openstack.floatingIpPool === undefined
  ) {
    add("openstack.nodeFloatingIps", "nodeFloatingIps needs openstack.floatingIpPool (the external network)");
  }
  if (cloud === "gcp") {
    // The load balancer's health check asks the agent which node is primary: no agent, no backend.
    if (args.agentControlPlaneUrl === undefined) {
      add(
        "agentControlPlaneUrl",
        "agentControlPlaneUrl is required on gcp (the load balancer's health check asks the agent)",
      );
    }
    if (args.register === false) {
      add("register", "register cannot be false on gcp (the agents need the control plane's tokens)");
    }
  }
  if (cloud === "gcp" && args.gcp) {
    const [a, b] = args.gcp.zones;
    const regionA = ZONE.exec(a)?.[1];
    const regionB = ZONE.exec(b)?.[1];
    if (regionA === undefined || regionB === undefined) {
      add("gcp.zones", `zones must look like "europe-west1-b" (got ${JSON.stringify(args.gcp.zones)})`);
    } else if (a === b || regionA !== regionB) {
      add("gcp.zones", "give two different zones of one region (one node per zone)");
    }
  }
  if (cloud === "local" && args.local) {
    if (args.local.prefix !== undefined && !LOCAL_PREFIX.test(args.local.prefix)) {
      add(
        "local.prefix",
        "local.prefix must match ^[a-z][a-z0-9]{0,5}$ (link names are at most 15 characters)",
      );
    }
    const octets = SUBNET_24.exec(args.local.subnet)?.slice(1).map(Number);
    if (octets === undefined || octets.some((octet) => octet > 255)) {
      add("local.subnet", `local.subnet must be a /24 like "10.231.60.0/24" (got "${args.local.subnet}")`);
    }
  }
  return problems;
}

/** The region of a GCP zone ("europe-west1-b" → "europe-west1"). */
export function regionOfZone(zone: string): string {
  const region = ZONE.exec(zone)?.[1];
  if (region === undefined) throw new TypeError(`not a GCP zone: ${zone}`);
  return region;
}
