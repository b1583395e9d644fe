// The control-plane VM on GCP: firewall rules from the plan, a reserved internal static address, a
// persistent SSD data disk (protected) for the store and the witnesses, Cloud NAT for its first boot
// (or the user's), and the instance booted with the control-plane host's first-boot script.
import * as compute from "@pulumi/gcp/compute/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { GcpControlPlaneArgs } from "../control-plane-args.js";
import { controlPlaneHostPackages } from "../plan/host-setup-script.js";
import { regionOfZone } from "../validate-pair-args.js";
import {
  type ControlPlaneContext,
  type ControlPlaneVm,
  controlPlaneRules,
  DEFAULT_CONTROL_PLANE_DATA_GB,
} from "./control-plane-vm.js";
import { GCP_DATA_DEVICE, GCP_DATA_DEVICE_NAME } from "./gcp.js";
import { gcpNat } from "./gcp-nat.js";
import {
  bootScriptIgnoreChanges,
  dataVolumeOptions,
  vmConnection,
  vmHostKey,
  vmSetupScript,
} from "./pair-hosts.js";

export function createGcpControlPlaneVm(ctx: ControlPlaneContext, gcp: GcpControlPlaneArgs): ControlPlaneVm {
  const { name, args, parent } = ctx;
  const opts = { parent };
  const project = gcp.project;
  const region = regionOfZone(gcp.zone);
  const tag = `${name}-pgaas-control-plane`;

  for (const rule of controlPlaneRules(args)) {
    const ports =
      rule.ports.first === rule.ports.last ? `${rule.ports.first}` : `${rule.ports.first}-${rule.ports.last}`;
    new compute.Firewall(
      `${name}-${rule.suffix}`,
      {
        project,
        network: gcp.network,
        direction: "INGRESS",
        description: rule.description,
        allows: [{ protocol: "tcp", ports: [ports] }],
        targetTags: [tag],
        sourceRanges: rule.cidrs,
      },
      opts,
    );
  }

  const nat = gcpNat(
    name,
    { project, region, network: gcp.network, subnetwork: gcp.subnetwork, natRouter: gcp.natRouter },
    opts,
  );

  const address = new compute.Address(
    `${name}-address`,
    {
      project,
      region,
      name: `${name}-address`,
      addressType: "INTERNAL",
      subnetwork: gcp.subnetwork,
      address: gcp.address,
      description: `pgaas control plane ${name}: its stable address`,
    },
    opts,
  );
  const hostKey = vmHostKey(name, parent);
  const dataDisk = new compute.Disk(
    `${name}-data`,
    {
      project,
      zone: gcp.zone,
      name: `${name}-data`,
      description: `pgaas control plane ${name}: its store and the pairs' witnesses`,
      type: gcp.dataDiskType ?? "pd-ssd",
      size: gcp.dataDiskSizeGb ?? DEFAULT_CONTROL_PLANE_DATA_GB,
      labels: { "pgaas-control-plane": name },
    },
    dataVolumeOptions(ctx),
  );
  const instance = new compute.Instance(
    name,
    {
      project,
      zone: gcp.zone,
      name,
      machineType: gcp.machineType ?? "e2-small",
      bootDisk: {
        initializeParams: { image: gcp.image ?? "debian-cloud/debian-12", size: gcp.diskSizeGb ?? 20 },
      },
      attachedDisks: [{ source: dataDisk.selfLink, deviceName: GCP_DATA_DEVICE_NAME }],
      networkInterfaces: [{ network: gcp.network, subnetwork: gcp.subnetwork, networkIp: address.address }],
      metadataStartupScript: vmSetupScript(
        args.sshPublicKey,
        controlPlaneHostPackages(),
        [GCP_DATA_DEVICE],
        hostKey,
      ),
      tags: [tag],
      labels: { "pgaas-control-plane": name },
      allowStoppingForUpdate: true,
    },
    {
      parent,
      ignoreChanges: bootScriptIgnoreChanges(ctx, "metadataStartupScript"),
      dependsOn: nat === undefined ? [] : [nat],
    },
  );
  const bastion =
    args.bastion === undefined
      ? undefined
      : { ...args.bastion, privateKey: pulumi.secret(args.bastion.privateKey) };
  return {
    address: address.address,
    connection: vmConnection(
      "control-plane",
      address.address,
      { sshPrivateKey: args.sshPrivateKey, bastion },
      hostKey,
    ),
    hostKeySha256: hostKey.publicKeyFingerprintSha256,
    instances: [instance],
  };
}
