// OpenStack: a security group with the planned rules, an anti-affinity server group, a reserved VIP
// port listed in both node ports' allowed_address_pairs (/32), two instances (separate availability
// zones when given) booted with the host setup script, and an optional floating IP on the VIP.
import * as compute from "@pulumi/openstack/compute/index.js";
import * as networking from "@pulumi/openstack/networking/index.js";
import * as pulumi from "@pulumi/pulumi";
import { HOST_READY_FILE } from "../plan/host-setup-script.js";
import type { OpenStackPairArgs } from "../postgres-pair-args.js";
import {
  type CloudContext,
  cloudAccess,
  cloudIngressRules,
  cloudNode,
  cloudSetupScript,
  controlPlaneWitness,
  NODE_NAMES,
  type PairHosts,
  type PlannedHost,
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
  const userData = cloudSetupScript(access, "vip");

  const instances: compute.Instance[] = [];
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
    const instance = new compute.Instance(
      `${name}-${node}`,
      {
        name: `${name}-${node}`,
        flavorName: os.flavorName,
        imageName: os.imageName,
        availabilityZone: os.availabilityZones?.[index],
        networks: [{ port: port.id }],
        schedulerHints: [{ group: serverGroup.id }],
        userData,
        metadata: { "pgaas-pair": name, "pgaas-node": node },
      },
      opts,
    );
    instances.push(instance);
    const address = port.allFixedIps.apply((ips) => firstAddress(ips, `${name}-${node}-port`));
    return cloudNode(node, address, access);
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
    instances,
  };
}

function firstAddress(ips: readonly string[] | undefined, resource: string): string {
  const ip = ips?.find((candidate) => /^\d+\.\d+\.\d+\.\d+$/.test(candidate));
  if (ip === undefined) throw new Error(`${resource} has no IPv4 fixed address`);
  return ip;
}
