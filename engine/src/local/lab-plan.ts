// Pure naming and addressing for a lab: what exists where. Interface names are ≤ 15 characters (the
// kernel's limit); only `<prefix>-h` lives in the root namespace, every other link lives inside the
// lab's own namespaces, so labs with different prefixes never collide.
import { LocalDriverError } from "./errors.js";

export const MAX_LINK_NAME = 15;
/** Inside the switch namespace. */
export const BRIDGE = "br0";
/** The switch-side end of the host-side veth. */
export const UPLINK = "up0";
/** A host's interface inside its own namespace. */
export const HOST_INTERFACE = "eth0";
export const SSH_PORT = 22;

export interface PlannedHost {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  /** The host's port on the bridge, inside the switch namespace. */
  readonly switchPort: string;
}

export interface LabPlan {
  readonly prefix: string;
  readonly subnet: string;
  readonly prefixLength: 24;
  readonly switchNamespace: string;
  /** The one link in the root namespace. */
  readonly hostLink: string;
  readonly hostAddress: string;
  readonly hosts: readonly PlannedHost[];
}

const PREFIX = /^[a-z][a-z0-9]{0,12}$/;
const HOST_NAME = /^[a-z0-9]{1,12}$/;
const RESERVED_NAMES = new Set(["sw", "h"]);

/** Parses "a.b.c.0/24" into its first three octets; refuses anything else and the machine's 192.0.2.0/24. */
export function parseSubnet(subnet: string): string {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.0\/24$/.exec(subnet);
  const octets = match?.slice(1, 4).map(Number);
  if (!octets || octets.some((octet) => octet > 255)) {
    throw new LocalDriverError("invalid_options", `subnet must be a /24 like 10.231.3.0/24, got ${subnet}`);
  }
  const base = octets.join(".");
  if (base === "192.0.2") {
    throw new LocalDriverError(
      "invalid_options",
      "192.0.2.0/24 is this machine's own network; choose another subnet",
    );
  }
  return base;
}

/** A host's port on the bridge, inside the switch namespace. */
export function switchPortFor(host: string): string {
  return `p-${host}`;
}

export function namespaceFor(prefix: string, host: string): string {
  return `${prefix}-${host}`;
}

/**
 * Addresses: host side .1, hosts .2, .3, … in order. `recorded` keeps the addresses an earlier run gave
 * (so re-running with more hosts never renumbers existing ones).
 */
export function planLab(
  options: { prefix: string; subnet: string; hosts: readonly string[] },
  recorded: ReadonlyMap<string, string> = new Map(),
): LabPlan {
  if (!PREFIX.test(options.prefix)) {
    throw new LocalDriverError(
      "invalid_options",
      `prefix must match ${PREFIX} (short: link names ≤ 15 chars)`,
    );
  }
  const base = parseSubnet(options.subnet);
  if (options.hosts.length === 0 || options.hosts.length > 200) {
    throw new LocalDriverError("invalid_options", "a lab needs 1 to 200 hosts");
  }
  if (new Set(options.hosts).size !== options.hosts.length) {
    throw new LocalDriverError("invalid_options", `duplicate host names: ${options.hosts.join(",")}`);
  }
  for (const name of options.hosts) {
    if (!HOST_NAME.test(name) || RESERVED_NAMES.has(name)) {
      throw new LocalDriverError(
        "invalid_options",
        `host name must match ${HOST_NAME} and not be sw/h: ${name}`,
      );
    }
  }
  const taken = new Set(recorded.values());
  let next = 2;
  const hosts = options.hosts.map((name): PlannedHost => {
    let address = recorded.get(name);
    if (address === undefined) {
      while (taken.has(`${base}.${next}`)) next += 1;
      address = `${base}.${next}`;
      taken.add(address);
    }
    return { name, namespace: namespaceFor(options.prefix, name), address, switchPort: switchPortFor(name) };
  });
  return {
    prefix: options.prefix,
    subnet: options.subnet,
    prefixLength: 24,
    switchNamespace: namespaceFor(options.prefix, "sw"),
    hostLink: `${options.prefix}-h`,
    hostAddress: `${base}.1`,
    hosts,
  };
}
