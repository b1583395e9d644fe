// How the engine reaches the three hosts of a pair: SSH target plus the host's service manager
// (systemd on cloud VMs, detached daemons on namespace hosts).
import type { SshTarget } from "./ssh/target.js";

export interface HostTarget {
  readonly ssh: SshTarget;
  readonly serviceManager: "systemd" | "detached";
}

export interface PairHosts {
  /** In spec order: nodes[0] hosts spec.nodes[0]. */
  readonly nodes: readonly [HostTarget, HostTarget];
  readonly witness: HostTarget;
}
