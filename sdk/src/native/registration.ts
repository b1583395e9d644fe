import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";
import type { HostConnectionInput, PairSpecInput, RegisteredNodeInput } from "./types.js";

export interface RegistrationResourceArgs {
  /** The pair's name in the control plane. Changing it replaces the registration. */
  name: pulumi.Input<string>;
  endpointHost: pulumi.Input<string>;
  endpointPort: pulumi.Input<number>;
  /** Exactly two nodes. */
  nodes: pulumi.Input<pulumi.Input<RegisteredNodeInput>[]>;
  witness?: pulumi.Input<{ name: pulumi.Input<string>; address: pulumi.Input<string> }>;
  /** The pair's admin role the control plane connects as (default "pgaas_admin"). */
  adminUsername?: pulumi.Input<string>;
  adminPassword: pulumi.Input<string>;
  /** The pair CA (PairConfiguration.caCertificate): the control plane verifies the nodes with it. */
  caCertificate?: pulumi.Input<string>;
  /**
   * When set, the provider installs and starts the agent on both nodes with the tokens the control plane
   * issued (the pair engine renders the agent config); deleting the registration stops them.
   */
  agents?: pulumi.Input<{
    spec: pulumi.Input<PairSpecInput>;
    hosts: pulumi.Input<pulumi.Input<HostConnectionInput>[]>;
    /** PairConfiguration.pairSecrets. */
    pairSecrets: pulumi.Input<string>;
  }>;
}

/** `pgaas:index:Registration`: the pair registered with the control plane (and its agents running). */
export class RegistrationResource extends pulumi.CustomResource {
  declare readonly name: pulumi.Output<string>;
  /** The control plane's id of the pair. */
  declare readonly pairId: pulumi.Output<string>;
  /** One agent token per node (secret). */
  declare readonly agentTokens: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RegistrationResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:Registration",
      name,
      { ...args, pairId: undefined, agentTokens: undefined },
      pgaasResourceOptions(opts, ["agentTokens", "adminPassword"]),
    );
  }
}
