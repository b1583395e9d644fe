// What a recorded lab looks like right now: for `scripts/lab.ts status` and for debugging drills.
import { listNamespaces, namespacePids } from "./lab-network.js";
import { switchPortFor } from "./lab-plan.js";
import { readLabRecord } from "./lab-state.js";
import { runLocal, TOOLS } from "./system.js";

export interface LabHostStatus {
  readonly name: string;
  readonly namespace: string;
  readonly address: string;
  readonly namespaceExists: boolean;
  /** Its switch port is up (false after isolateHost). */
  readonly linkUp: boolean;
  /** Addresses this host blackholes (partitions). */
  readonly blackholes: readonly string[];
  readonly processCount: number;
}

export interface LabStatus {
  readonly prefix: string;
  readonly subnet: string;
  readonly hostAddress: string;
  readonly switchExists: boolean;
  readonly hosts: readonly LabHostStatus[];
}

/** The recorded lab's live state, or undefined when `stateDir` holds no lab. */
export async function labStatus(stateDir: string): Promise<LabStatus | undefined> {
  const record = await readLabRecord(stateDir);
  if (!record) return undefined;
  const namespaces = await listNamespaces();
  const switchExists = namespaces.has(record.switchNamespace);
  const hosts = await Promise.all(
    record.hosts.map(async (host): Promise<LabHostStatus> => {
      const exists = namespaces.has(host.namespace);
      const link = switchExists
        ? await runLocal([
            TOOLS.ip,
            "-n",
            record.switchNamespace,
            "-br",
            "link",
            "show",
            "dev",
            switchPortFor(host.name),
          ])
        : undefined;
      const routes = exists
        ? await runLocal([TOOLS.ip, "-n", host.namespace, "route", "show", "type", "blackhole"])
        : undefined;
      return {
        name: host.name,
        namespace: host.namespace,
        address: host.address,
        namespaceExists: exists,
        linkUp: link !== undefined && link.code === 0 && !/\bDOWN\b/.test(link.stdout),
        blackholes: (routes?.stdout ?? "")
          .split("\n")
          .map((line) => line.trim().split(/\s+/)[1])
          .filter((address): address is string => address !== undefined && address.length > 0),
        processCount: exists ? (await namespacePids(host.namespace)).length : 0,
      };
    }),
  );
  return {
    prefix: record.prefix,
    subnet: record.subnet,
    hostAddress: record.hostAddress,
    switchExists,
    hosts,
  };
}
