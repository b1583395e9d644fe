// OpenStack: a security group with the planned rules, an anti-affinity server group, a reserved VIP
// port listed in both node ports' allowed_address_pairs (/32), two instances (separate availability
// zones when given) booted with the host setup script, each with its own Cinder data volume, and an
// optional floating IP on the VIP.
import * as blockstorage from "@pulumi/openstack/blockstorage/index.js";
import * as compute from "@pulumi/openstack/compute/index.js";
import * as networking from "@pulumi/openstack/networking/index.js";
import * as pulumi from "@pulumi/pulumi";
import { HOST_READY_FILE } from "../plan/host-setup-script.js";
import type { OpenStackPairArgs } from "../postgres-pair-args.js";
import {
  bootScriptIgnoreChanges,
  type CloudContext,
  cloudAccess,
  cloudIngressRules,
  cloudNode,
  cloudSetupScript,
  controlPlaneWitness,
  DEFAULT_DATA_VOLUME_SIZE_GB,
  dataVolumeOptions,
  NODE_NAMES,
  nodeDependsOn,
  nodeHostKey,
  type PairHosts,
  type PlannedHost,
  vmsOf,
} from "./pair-hosts.js";

export function createOpenStackHosts(ctx: CloudContext, os: OpenStackPairArgs): PairHosts {
  const { name, args, parent } = ctx;
  const opts = { parent };
  const access = cloudAccess(ctx, "openstack");
  const { controlPlaneCidr } = access;

  const group = new networking.SecGroup(
    `${name}-secgroup`,
    { name: `${name}-pgaas`, description: `pgaas pair ${name}: nodes, witness and control plane only` },
    opts,
  );
  const rules = cloudIngressRules(ctx, access, "vip", []);
  for (const rule of rules) {
    const source =
      rule.source.kind === "peers" ? { remoteGroupId: group.id } : { remoteIpPrefix: rule.source.cidr };
    const ranges = rule.protocol === "vrrp" ? [undefined] : rule.ports;
    for (const port of ranges) {
      new networking.SecGroupRule(
        port === undefined ? `${name}-${rule.suffix}` : `${name}-${rule.suffix}-${port}`,
        {
          securityGroupId: group.id,
          direction: "ingress",
          ethertype: "IPv4",
          protocol: rule.protocol,
          portRangeMin: port,
          portRangeMax: port,
          description: rule.description,
          ...source,
        },
        opts,
      );
    }
  }

  const serverGroup = new compute.ServerGroup(
    `${name}-anti-affinity`,
    { name: `${name}-pgaas`, policies: ["anti-affinity"] },
    opts,
  );
  const vipPort = new networking.Port(
    `${name}-vip`,
    {
      name: `${name}-vip`,
      description: `pgaas pair ${name}: reserved VIP, held by keepalived on the primary`,
      networkId: os.networkId,
      fixedIps: [{ subnetId: os.subnetId, ipAddress: os.vipAddress }],
      securityGroupIds: [group.id],
    },
    opts,
  );
  const vip = vipPort.allFixedIps.apply((ips) => firstAddress(ips, `${name}-vip`));

  // n1's VM, its attachment and its volume: n2's wait for them (never both nodes at once).
  const firstNode: pulumi.Resource[] = [];
  const firstVolume: pulumi.Resource[] = [];
  const nodes = NODE_NAMES.map((node, index): PlannedHost => {
    const port = new networking.Port(
      `${name}-${node}-port`,
      {
        name: `${name}-${node}`,
        networkId: os.networkId,
        fixedIps: [{ subnetId: os.subnetId }],
        securityGroupIds: [group.id],
        allowedAddressPairs: [{ ipAddress: pulumi.interpolate`${vip}/32` }],
      },
      opts,
    );
    const hostKey = nodeHostKey(ctx, node);
    const volume = new blockstorage.Volume(
      `${name}-${node}-data`,
      {
        name: `${name}-${node}-data`,
        description: `pgaas pair ${name}: PostgreSQL data of ${node}`,
        size: os.dataVolumeSizeGb ?? DEFAULT_DATA_VOLUME_SIZE_GB,
        volumeType: os.dataVolumeType,
        availabilityZone: os.availabilityZones?.[index],
        metadata: { "pgaas-pair": name, "pgaas-node": node },
      },
      { ...dataVolumeOptions(ctx), dependsOn: nodeDependsOn(ctx, index, firstVolume) },
    );
    // A new flavor resizes the VM in place (Nova resize: it reboots with its volume and address).
    const instance = new compute.Instance(
      `${name}-${node}`,
      {
        name: `${name}-${node}`,
        flavorName: os.flavorName,
        imageName: os.imageName,
        availabilityZone: os.availabilityZones?.[index],
        networks: [{ port: port.id }],
        schedulerHints: [{ group: serverGroup.id }],
        userData: cloudSetupScript(access, "vip", volume.id.apply(cinderDevicePaths), hostKey),
        metadata: { "pgaas-pair": name, "pgaas-node": node },
      },
      {
        parent,
        ignoreChanges: bootScriptIgnoreChanges(ctx, "userData"),
        dependsOn: nodeDependsOn(ctx, index, firstNode),
      },
    );
    // Replacing the VM replaces the attachment; the volume, and the data on it, stays.
    const attachment = new compute.VolumeAttach(
      `${name}-${node}-data`,
      { instanceId: instance.id, volumeId: volume.id },
      opts,
    );
    if (index === 0) firstNode.push(instance, attachment);
    if (index === 0) firstVolume.push(volume);
    const address = port.allFixedIps.apply((ips) => firstAddress(ips, `${name}-${node}-port`));
    // A public address per node lets the provider reach it directly instead of through a bastion.
    const nodeFloating =
      os.nodeFloatingIps && os.floatingIpPool !== undefined
        ? new networking.FloatingIp(
            `${name}-${node}-public`,
            { pool: os.floatingIpPool, portId: port.id, description: `pgaas pair ${name}: SSH to ${node}` },
            opts,
          )
        : undefined;
    const instanceOf = {
      name: node,
      instanceId: instance.id,
      size: os.flavorName,
      dataVolumeSizeGb: volume.size,
    };
    return {
      ...cloudNode(node, address, access, hostKey, instanceOf, nodeFloating?.address),
      shape: { size: os.flavorName, image: os.imageName },
      vm: [instance, attachment],
    };
  }) as [PlannedHost, PlannedHost];

  const floating =
    os.floatingIpPool === undefined
      ? undefined
      : new networking.FloatingIp(
          `${name}-vip-public`,
          { pool: os.floatingIpPool, portId: vipPort.id, description: `pgaas pair ${name}: public VIP` },
          opts,
        );

  return {
    nodes,
    witness: controlPlaneWitness(args, access),
    endpointKind: "vip",
    endpointAddress: vip,
    publicEndpointAddress: floating?.address,
    interfaceName: os.interfaceName ?? "ens3",
    nodeCidr: os.subnetCidr,
    controlPlaneCidr,
    memoryMb: os.memoryMb ?? 2048,
    readyFile: HOST_READY_FILE,
    instances: vmsOf(nodes),
  };
}

/**
 * Where a Cinder volume appears in the guest: Nova passes the volume id as the disk serial, which
 * udev lists by id (virtio-blk keeps its first 20 characters; virtio-scsi keeps all of it).
 */
export function cinderDevicePaths(volumeId: string): string[] {
  return [
    `/dev/disk/by-id/virtio-${volumeId.slice(0, 20)}`,
    `/dev/disk/by-id/scsi-0QEMU_QEMU_HARDDISK_${volumeId}`,
  ];
}

function firstAddress(ips: readonly string[] | undefined, resource: string): string {
  const ip = ips?.find((candidate) => /^\d+\.\d+\.\d+\.\d+$/.test(candidate));
  if (ip === undefined) throw new Error(`${resource} has no IPv4 fixed address`);
  return ip;
}
