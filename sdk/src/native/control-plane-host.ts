import * as pulumi from "@pulumi/pulumi";
import { pgaasResourceOptions } from "./resource-options.js";
import type { HostConnectionInput } from "./types.js";

export interface ControlPlaneHostResourceArgs {
  /** SSH access to the host as root (a ControlPlane VM, or a host you bring). */
  host: pulumi.Input<HostConnectionInput>;
  /** Instance name on the host; default "main". Changing it replaces the control plane. */
  name?: pulumi.Input<string>;
  /** The host's address the API listens on (and the certificate names). */
  listenAddress: pulumi.Input<string>;
  /** HTTPS port; default 443. */
  port?: pulumi.Input<number>;
  /** DNS names the generated certificate carries besides listenAddress. */
  dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  /** Your certificate, key and CA (all three, PEM); a CA and certificate are generated when omitted. */
  certificate?: pulumi.Input<string>;
  privateKey?: pulumi.Input<string>;
  caCertificate?: pulumi.Input<string>;
  adminEmail: pulumi.Input<string>;
  /** Generated when omitted. */
  adminPassword?: pulumi.Input<string>;
  /** The first-boot marker to wait for; without it the host is checked for PostgreSQL 15 and repmgr. */
  readyFile?: pulumi.Input<string>;
  readyTimeoutSeconds?: pulumi.Input<number>;
}

/** `pgaas:index:ControlPlaneHost`: the control plane installed on a host over SSH by the provider. */
export class ControlPlaneHostResource extends pulumi.CustomResource {
  declare readonly url: pulumi.Output<string>;
  /** The address pairs use for their witness: this host. */
  declare readonly witnessAddress: pulumi.Output<string>;
  declare readonly artefactSha256: pulumi.Output<string>;
  /** The CA clients pin: yours, or the generated one. */
  declare readonly caCertificate: pulumi.Output<string>;
  /** The first admin's password: yours, or the generated one (secret). */
  declare readonly adminPassword: pulumi.Output<string>;

  constructor(name: string, args: ControlPlaneHostResourceArgs, opts: pulumi.CustomResourceOptions = {}) {
    super(
      "pgaas:index:ControlPlaneHost",
      name,
      {
        caCertificate: undefined,
        adminPassword: undefined,
        ...args,
        url: undefined,
        witnessAddress: undefined,
        artefactSha256: undefined,
        generated: undefined,
      },
      pgaasResourceOptions(opts, ["privateKey", "adminPassword", "generated"]),
    );
  }
}
