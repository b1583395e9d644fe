// The public contract of ControlPlane: the control plane (and the pairs' witness host) on one VM.
import type * as pulumi from "@pulumi/pulumi";
import type { SshBastionInput } from "./native/types.js";
import type { DataVolumeGuardArgs } from "./postgres-pair-args.js";

export interface OpenStackControlPlaneArgs {
  networkId: pulumi.Input<string>;
  subnetId: pulumi.Input<string>;
  /** The fixed address of the control plane's port: its stable address (and the certificate's). */
  address: pulumi.Input<string>;
  /** A Debian 12 image. */
  imageName: pulumi.Input<string>;
  flavorName: pulumi.Input<string>;
  availabilityZone?: pulumi.Input<string>;
  /** Size in GB of the Cinder volume holding the store and the witnesses. Default 20. */
  dataVolumeSizeGb?: pulumi.Input<number>;
  dataVolumeType?: pulumi.Input<string>;
}

export interface GcpControlPlaneArgs {
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  zone: string;
  /** A fixed internal address; GCP reserves one when omitted (static either way). */
  address?: pulumi.Input<string>;
  /** Default "e2-small". */
  machineType?: pulumi.Input<string>;
  /** Default "debian-cloud/debian-12". */
  image?: pulumi.Input<string>;
  /** Boot disk size in GB. Default 20. */
  diskSizeGb?: pulumi.Input<number>;
  /** Size in GB of the data disk (store and witnesses). Default 20. */
  dataDiskSizeGb?: pulumi.Input<number>;
  /** "pd-ssd" (default) or "pd-balanced". */
  dataDiskType?: "pd-ssd" | "pd-balanced";
  project?: pulumi.Input<string>;
  /**
   * The VM has no public address; its first boot reaches Debian's mirrors through Cloud NAT. Omitted:
   * a Cloud Router and NAT for the subnetwork are created (then give pairs on the same subnetwork this
   * router as `natRouter`: a subnetwork has one NAT). Set: nothing is created.
   */
  natRouter?: pulumi.Input<string>;
}

/** The witness ports pairs use on this host (`witnessPort`, one per pair). Default 5433–5452. */
export interface WitnessPortRange {
  first: number;
  last: number;
}

/** Your certificate (for the address and every DNS name clients use), its key and its CA, PEM. */
export interface ControlPlaneTlsInput {
  certificate: pulumi.Input<string>;
  privateKey: pulumi.Input<string>;
  caCertificate: pulumi.Input<string>;
}

export interface ControlPlaneArgs {
  /** The first admin's email. */
  adminEmail: pulumi.Input<string>;
  /** The first admin's password; generated (and output as a secret) when omitted. */
  adminPassword?: pulumi.Input<string>;
  /** The pairs' node networks: their agents report on 443, their nodes reach their witness. */
  nodeCidrs: pulumi.Input<string>[];
  /** Where users (portal, API, the Pulumi provider) come from: 443. */
  userCidrs: pulumi.Input<string>[];
  /** The network `pulumi up` runs from (or the bastion's): SSH. */
  adminCidr: pulumi.Input<string>;
  /** Public key authorised for root; the provider installs with the matching private key. */
  sshPublicKey: pulumi.Input<string>;
  sshPrivateKey: pulumi.Input<string>;
  bastion?: SshBastionInput;
  /** DNS names users reach the control plane by: the generated certificate carries them too. */
  dnsNames?: pulumi.Input<string>[];
  /** Your certificate, key and CA (PEM, all three); a CA and a certificate are generated when omitted. */
  tls?: ControlPlaneTlsInput;
  witnessPorts?: WitnessPortRange;
  /** How the data volume / disk is guarded (protected by default). */
  dataVolume?: DataVolumeGuardArgs;
  /** Replace the VM when its first-boot script changes. Default false. */
  replaceVmsOnBootScriptChange?: boolean;
  openstack?: OpenStackControlPlaneArgs;
  gcp?: GcpControlPlaneArgs;
}
