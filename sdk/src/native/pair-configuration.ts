import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";
import type { HostConnectionInput, NodeInstanceInput, PairSpecInput } from "./types.js";

export interface PairConfigurationResourceArgs {
  spec: pulumi.Input<PairSpecInput>;
  /** SSH access to both nodes and the witness host, named as in the spec. */
  hosts: pulumi.Input<pulumi.Input<HostConnectionInput>[]>;
  /**
   * A file each node must hold before it is configured (the first-boot marker); none when omitted.
   * The witness host is checked for PostgreSQL 15 and repmgr instead.
   */
  readyFile?: pulumi.Input<string>;
  /** How long to wait for the hosts to answer SSH and hold `readyFile`. Default 900. */
  readyTimeoutSeconds?: pulumi.Input<number>;
  /**
   * The nodes' VMs on a cloud: a replaced VM (new instance id) is reconfigured with replaceMember, a
   * grown data volume gets its filesystem grown online.
   */
  nodeInstances?: pulumi.Input<pulumi.Input<NodeInstanceInput>[]>;
  /**
   * The pair's secrets from its PairSecrets (`PairSecretsResource.pairSecrets`); generated and kept here
   * when omitted. One that differs from the secrets the pair runs with fails the preview
   * (secrets_mismatch).
   */
  pairSecrets?: pulumi.Input<string>;
}

export interface PairNodeState {
  name: string;
  address: string;
  role: string;
  running: boolean;
  fenced: boolean;
}

/** `pgaas:index:PairConfiguration`: PostgreSQL + repmgr + keepalived + witness configured over SSH. */
export class PairConfigurationResource extends pulumi.CustomResource {
  /** The node that is primary now (refresh shows a failover). */
  declare readonly primary: pulumi.Output<string>;
  declare readonly nodes: pulumi.Output<PairNodeState[]>;
  declare readonly endpointHost: pulumi.Output<string>;
  declare readonly endpointPort: pulumi.Output<number>;
  declare readonly adminUsername: pulumi.Output<string>;
  /** The pgaas_admin role's password (secret). */
  declare readonly adminPassword: pulumi.Output<string>;
  /** Every generated credential of the pair, JSON (secret); Registration needs it to install agents. */
  declare readonly pairSecrets: pulumi.Output<string>;
  /** The pair CA (PEM): clients verify the endpoint with it (sslmode=verify-full). */
  declare readonly caCertificate: pulumi.Output<string>;

  constructor(name: string, args: PairConfigurationResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:PairConfiguration",
      name,
      {
        ...args,
        primary: undefined,
        nodes: undefined,
        endpointHost: undefined,
        endpointPort: undefined,
        adminUsername: undefined,
        adminPassword: undefined,
        // An input and an output of the same name: given, it is sent (secret); either way it is read back.
        pairSecrets: args.pairSecrets === undefined ? undefined : pulumi.secret(args.pairSecrets),
        caCertificate: undefined,
      },
      pgaasResourceOptions(opts, ["adminPassword", "pairSecrets", "hosts"]),
    );
  }
}
