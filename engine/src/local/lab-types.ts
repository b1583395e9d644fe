// The local "cloud": hosts are Linux network namespaces on a bridge inside a dedicated switch
// namespace, each with its own address and sshd.
import type { SshTarget } from "../ssh/target.js";

export interface LocalLabOptions {
  /**
   * Prefix for every namespace and link name (namespaces `<prefix>-sw`, `<prefix>-<host>`, host-side
   * link `<prefix>-h`). Link names are ≤ 15 characters, so keep prefix + host name short.
   */
  readonly prefix: string;
  /** A private /24, e.g. "10.231.3.0/24": the host side gets .1, hosts .2, .3, … in order. */
  readonly subnet: string;
  /** Host names, e.g. ["n1", "n2", "w"]: [a-z0-9]+. */
  readonly hosts: readonly string[];
  /** Directory for lab.json, keys, sshd configs, pidfiles and logs. Created if missing. */
  readonly stateDir: string;
}

export interface LocalHost {
  readonly name: string;
  /** Network namespace name (`<prefix>-<name>`). */
  readonly namespace: string;
  /** The host's address on the lab subnet. */
  readonly address: string;
  /** root over SSH with the lab key and the pinned host key. */
  readonly ssh: SshTarget;
  readonly serviceManager: "detached";
}

export interface LocalLab {
  readonly prefix: string;
  readonly subnet: string;
  readonly stateDir: string;
  readonly hosts: readonly LocalHost[];
  /** The host side's address on the bridge (.1): where processes in the root namespace are reached. */
  readonly hostAddress: string;
  /** The bridge's name inside the switch namespace. */
  readonly bridge: string;
  /** The switch namespace's name. */
  readonly switchNamespace: string;
  /** The lab host by name; throws LocalDriverError(code "unknown_host") for others. */
  host(name: string): LocalHost;
  /** Removes every namespace, link and process the lab created. Idempotent. */
  destroy(): Promise<void>;
}
