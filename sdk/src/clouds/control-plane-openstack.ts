// The control-plane VM on OpenStack: a security group from the plan, a port with the fixed address,
// a Cinder data volume (protected) for the store and the witnesses, and the instance booted with the
// control-plane host's first-boot script.
import * as blockstorage from "@pulumi/openstack/blockstorage/index.js";
import * as compute from "@pulumi/openstack/compute/index.js";
import * as networking from "@pulumi/openstack/networking/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { OpenStackControlPlaneArgs } from "../control-plane-args.js";
import { controlPlaneHostPackages } from "../plan/host-setup-script.js";
import {
  type ControlPlaneContext,
  type ControlPlaneVm,
  controlPlaneRules,
  DEFAULT_CONTROL_PLANE_DATA_GB,
} from "./control-plane-vm.js";
import { cinderDevicePaths } from "./openstack.js";
import {
  bootScriptIgnoreChanges,
  dataVolumeOptions,
  vmConnection,
  vmHostKey,
  vmSetupScript,
} from "./pair-hosts.js";

export function createOpenStackControlPlaneVm(
  ctx: ControlPlaneContext,
  os: OpenStackControlPlaneArgs,
): ControlPlaneVm {
  const { name, args, parent } = ctx;
  const opts = { parent };
  const group = new networking.SecGroup(
    `${name}-secgroup`,
    { name: `${name}-pgaas-control-plane`, description: `pgaas control plane ${name}` },
    opts,
  );
  for (const rule of controlPlaneRules(args)) {
    rule.cidrs.forEach((cidr, index) => {
      new networking.SecGroupRule(
        `${name}-${rule.suffix}-${index}`,
        {
          securityGroupId: group.id,
          direction: "ingress",
          ethertype: "IPv4",
          protocol: "tcp",
          portRangeMin: rule.ports.first,
          portRangeMax: rule.ports.last,
          remoteIpPrefix: cidr,
          description: rule.description,
        },
        opts,
      );
    });
  }
  const port = new networking.Port(
    `${name}-port`,
    {
      name: `${name}-control-plane`,
      description: `pgaas control plane ${name}: its stable address`,
      networkId: os.networkId,
      fixedIps: [{ subnetId: os.subnetId, ipAddress: os.address }],
      securityGroupIds: [group.id],
    },
    opts,
  );
  const hostKey = vmHostKey(name, parent);
  const volume = new blockstorage.Volume(
    `${name}-data`,
    {
      name: `${name}-data`,
      description: `pgaas control plane ${name}: its store and the pairs' witnesses`,
      size: os.dataVolumeSizeGb ?? DEFAULT_CONTROL_PLANE_DATA_GB,
      volumeType: os.dataVolumeType,
      availabilityZone: os.availabilityZone,
      metadata: { "pgaas-control-plane": name },
    },
    dataVolumeOptions(ctx),
  );
  const instance = new compute.Instance(
    name,
    {
      name,
      flavorName: os.flavorName,
      imageName: os.imageName,
      availabilityZone: os.availabilityZone,
      networks: [{ port: port.id }],
      userData: vmSetupScript(
        args.sshPublicKey,
        controlPlaneHostPackages(),
        volume.id.apply(cinderDevicePaths),
        hostKey,
      ),
      metadata: { "pgaas-control-plane": name },
    },
    { parent, ignoreChanges: bootScriptIgnoreChanges(ctx, "userData") },
  );
  const attachment = new compute.VolumeAttach(
    `${name}-data`,
    { instanceId: instance.id, volumeId: volume.id },
    opts,
  );
  const address = pulumi.output(os.address);
  const bastion =
    args.bastion === undefined
      ? undefined
      : { ...args.bastion, privateKey: pulumi.secret(args.bastion.privateKey) };
  return {
    address,
    connection: vmConnection(
      "control-plane",
      address,
      { sshPrivateKey: args.sshPrivateKey, bastion },
      hostKey,
    ),
    hostKeySha256: hostKey.publicKeyFingerprintSha256,
    instances: [instance, attachment],
  };
}
