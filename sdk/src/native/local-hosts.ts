import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";

export interface LocalHostsResourceArgs {
  /** Namespace/link name prefix (short: link names are at most 15 characters). */
  prefix: pulumi.Input<string>;
  /** A private /24 that avoids the machine's own networks; the host side gets .1, hosts .2, .3, …. */
  subnet: pulumi.Input<string>;
  /** Host names in address order, e.g. ["n1", "n2", "w"]. */
  hosts: pulumi.Input<pulumi.Input<string>[]>;
  /** Where the driver keeps lab.json, keys, sshd configs and logs. */
  stateDir: pulumi.Input<string>;
}

export interface LocalHostState {
  name: string;
  address: string;
  namespace: string;
  sshPort: number;
  sshUsername: string;
  hostKeySha256: string;
}

/** `pgaas:index:LocalHosts`: hosts as Linux network namespaces on this machine (root on Linux). */
export class LocalHostsResource extends pulumi.CustomResource {
  declare readonly hostAddress: pulumi.Output<string>;
  declare readonly hostStates: pulumi.Output<LocalHostState[]>;
  /** The lab's SSH private key (secret). */
  declare readonly sshPrivateKey: pulumi.Output<string>;

  constructor(name: string, args: LocalHostsResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:LocalHosts",
      name,
      { ...args, hostAddress: undefined, hostStates: undefined, sshPrivateKey: undefined },
      pgaasResourceOptions(opts, ["sshPrivateKey"]),
    );
  }
}
