// ControlPlane: the pgaas control plane on one VM of its own (OpenStack or GCP) — its PostgreSQL
// store on a protected data volume, TLS, the server from the control-plane artefact (its own Node
// runtime: no distro Node), behind a stable address — installed over SSH by the provider
// (ControlPlaneHost) once the VM's first boot has installed PostgreSQL 15 and repmgr. The same host
// is the pairs' witness host: give the component to PostgresPair as `controlPlane`.
import { CONTROL_PLANE_PORT } from "@pgaas/common/wire";
import * as pulumi from "@pulumi/pulumi";
import { createGcpControlPlaneVm } from "./clouds/control-plane-gcp.js";
import { createOpenStackControlPlaneVm } from "./clouds/control-plane-openstack.js";
import type { ControlPlaneVm } from "./clouds/control-plane-vm.js";
import type { ControlPlaneArgs } from "./control-plane-args.js";
import { ControlPlaneHostResource } from "./native/control-plane-host.js";
import { HOST_READY_FILE } from "./plan/host-setup-script.js";

export type * from "./control-plane-args.js";

export const CONTROL_PLANE_TYPE = "pgaas:components:ControlPlane";

export class ControlPlane extends pulumi.ComponentResource {
  /** https://<address>:443 — what agents, the provider (pgaas:controlPlaneUrl) and users use. */
  readonly url: pulumi.Output<string>;
  /** The CA clients pin (pgaas:controlPlaneCa, agentControlPlaneCa): yours, or the generated one. */
  readonly caCertificate: pulumi.Output<string>;
  /** The first admin's password (secret). */
  readonly adminPassword: pulumi.Output<string>;
  /** The stable address; pairs run their witness on this host (PostgresPair `controlPlane`). */
  readonly witnessAddress: pulumi.Output<string>;
  /** The host's pinned SSH key: PostgresPair pins it for the witness. */
  readonly witnessSshHostKeySha256: pulumi.Output<string>;
  readonly installation: ControlPlaneHostResource;

  constructor(name: string, args: ControlPlaneArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super(CONTROL_PLANE_TYPE, name, {}, opts);
    const clouds = [args.openstack, args.gcp].filter((cloud) => cloud !== undefined);
    if (clouds.length !== 1) {
      throw new pulumi.ResourceError(
        `invalid ControlPlane ${name}: give exactly one of openstack, gcp`,
        this,
      );
    }
    const ctx = { name, args, parent: this };
    const vm: ControlPlaneVm =
      args.openstack !== undefined
        ? createOpenStackControlPlaneVm(ctx, args.openstack)
        : createGcpControlPlaneVm(ctx, args.gcp as NonNullable<ControlPlaneArgs["gcp"]>);

    this.installation = new ControlPlaneHostResource(
      `${name}-install`,
      {
        host: vm.connection,
        listenAddress: vm.address,
        port: CONTROL_PLANE_PORT,
        ...(args.dnsNames === undefined ? {} : { dnsNames: args.dnsNames }),
        ...(args.tls === undefined
          ? {}
          : {
              certificate: args.tls.certificate,
              privateKey: pulumi.secret(args.tls.privateKey),
              caCertificate: args.tls.caCertificate,
            }),
        adminEmail: args.adminEmail,
        ...(args.adminPassword === undefined ? {} : { adminPassword: pulumi.secret(args.adminPassword) }),
        readyFile: HOST_READY_FILE,
      },
      { parent: this, dependsOn: vm.instances },
    );
    this.url = this.installation.url;
    this.caCertificate = this.installation.caCertificate;
    this.adminPassword = pulumi.secret(this.installation.adminPassword);
    this.witnessAddress = this.installation.witnessAddress;
    this.witnessSshHostKeySha256 = vm.hostKeySha256;
    this.registerOutputs(controlPlaneOutputs(this));
  }
}

/** The component's outputs by schema name: what it registers, and what the provider's Construct returns. */
export function controlPlaneOutputs(controlPlane: ControlPlane): pulumi.Inputs {
  return {
    url: controlPlane.url,
    caCertificate: controlPlane.caCertificate,
    adminPassword: controlPlane.adminPassword,
    witnessAddress: controlPlane.witnessAddress,
    witnessSshHostKeySha256: controlPlane.witnessSshHostKeySha256,
  };
}
