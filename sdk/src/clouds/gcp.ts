// GCP (no gratuitous ARP, no multicast): two instances in two zones, firewall rules from the plan, a
// persistent SSD (or balanced) data disk per node, Cloud NAT for their first boot (or the user's), a
// reserved internal address and an internal passthrough load balancer whose failover backend and
// health check on the agent's /primary send traffic only to the writable, unfenced primary.
import * as compute from "@pulumi/gcp/compute/index.js";
import type * as pulumi from "@pulumi/pulumi";
import { HOST_READY_FILE } from "../plan/host-setup-script.js";
import type { GcpPairArgs } from "../postgres-pair-args.js";
import { regionOfZone } from "../validate-pair-args.js";
import { gcpNat } from "./gcp-nat.js";
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

/** Google's health-check probe ranges for internal passthrough load balancers. */
export const GCP_HEALTH_CHECK_CIDRS = ["35.191.0.0/16", "130.211.0.0/22"] as const;

/** The data disk's device name: the guest sees it as /dev/disk/by-id/google-<device name>. */
export const GCP_DATA_DEVICE_NAME = "pgaas-data";
export const GCP_DATA_DEVICE = `/dev/disk/by-id/google-${GCP_DATA_DEVICE_NAME}`;

const DEFAULT_MACHINE_TYPE = "e2-standard-2";
const DEFAULT_IMAGE = "debian-cloud/debian-12";

export function createGcpHosts(ctx: CloudContext, gcp: GcpPairArgs): PairHosts {
  const { name, args, parent } = ctx;
  const opts = { parent };
  const access = cloudAccess(ctx, "gcp");
  const { controlPlaneCidr } = access;
  const region = regionOfZone(gcp.zones[0]);
  const tag = `${name}-pgaas`;
  const project = gcp.project;

  const rules = cloudIngressRules(ctx, access, "load-balancer", GCP_HEALTH_CHECK_CIDRS);
  for (const rule of rules) {
    const source =
      rule.source.kind === "peers" ? { sourceTags: [tag] } : { sourceRanges: [rule.source.cidr] };
    new compute.Firewall(
      `${name}-${rule.suffix}`,
      {
        project,
        network: gcp.network,
        direction: "INGRESS",
        description: rule.description,
        allows: [{ protocol: rule.protocol, ports: rule.ports.map(String) }],
        targetTags: [tag],
        ...source,
      },
      opts,
    );
  }

  const nat = gcpNat(
    name,
    { project, region, network: gcp.network, subnetwork: gcp.subnetwork, natRouter: gcp.natRouter },
    opts,
  );

  const groups: compute.InstanceGroup[] = [];
  // n1's VM and disk: n2's wait for them (never both nodes at once).
  const firstNode: pulumi.Resource[] = [];
  const firstDisk: pulumi.Resource[] = [];
  const shape = { size: gcp.machineType ?? DEFAULT_MACHINE_TYPE, image: gcp.image ?? DEFAULT_IMAGE };
  const nodes = NODE_NAMES.map((node, index): PlannedHost => {
    const zone = gcp.zones[index] as string;
    const hostKey = nodeHostKey(ctx, node);
    const dataDisk = new compute.Disk(
      `${name}-${node}-data`,
      {
        project,
        zone,
        name: `${name}-${node}-data`,
        description: `pgaas pair ${name}: PostgreSQL data of ${node}`,
        type: gcp.dataDiskType ?? "pd-ssd",
        size: gcp.dataDiskSizeGb ?? DEFAULT_DATA_VOLUME_SIZE_GB,
        labels: { "pgaas-pair": name, "pgaas-node": node },
      },
      { ...dataVolumeOptions(ctx), dependsOn: nodeDependsOn(ctx, index, firstDisk) },
    );
    const instance = new compute.Instance(
      `${name}-${node}`,
      {
        project,
        zone,
        name: `${name}-${node}`,
        machineType: shape.size,
        bootDisk: {
          initializeParams: { image: shape.image, size: gcp.diskSizeGb ?? 20 },
        },
        // Attached, never auto-deleted: a replaced VM takes the same disk and its data.
        attachedDisks: [{ source: dataDisk.selfLink, deviceName: GCP_DATA_DEVICE_NAME }],
        networkInterfaces: [{ network: gcp.network, subnetwork: gcp.subnetwork }],
        metadataStartupScript: cloudSetupScript(access, "load-balancer", [GCP_DATA_DEVICE], hostKey),
        tags: [tag],
        labels: { "pgaas-pair": name, "pgaas-node": node },
        // A new machine type is applied in place: the VM stops and starts again with its disk.
        allowStoppingForUpdate: true,
      },
      {
        parent,
        ignoreChanges: bootScriptIgnoreChanges(ctx, "metadataStartupScript"),
        dependsOn: nodeDependsOn(ctx, index, firstNode, nat === undefined ? [] : [nat]),
      },
    );
    if (index === 0) firstNode.push(instance);
    if (index === 0) firstDisk.push(dataDisk);
    groups.push(
      new compute.InstanceGroup(
        `${name}-${node}-group`,
        { project, zone, name: `${name}-${node}`, network: gcp.network, instances: [instance.selfLink] },
        opts,
      ),
    );
    const address = instance.networkInterfaces.apply((nics) => {
      const ip = nics[0]?.networkIp;
      if (!ip) throw new Error(`${name}-${node} has no internal address`);
      return ip;
    });
    const instanceOf = {
      name: node,
      instanceId: instance.instanceId,
      size: instance.machineType,
      dataVolumeSizeGb: dataDisk.size,
    };
    return {
      ...cloudNode(node, address, access, hostKey, instanceOf),
      shape,
      vm: [instance],
    };
  }) as [PlannedHost, PlannedHost];

  const endpoint = new compute.Address(
    `${name}-endpoint`,
    {
      project,
      region,
      name: `${name}-endpoint`,
      addressType: "INTERNAL",
      subnetwork: gcp.subnetwork,
      address: gcp.endpointAddress,
      description: `pgaas pair ${name}: stable endpoint (internal load balancer)`,
    },
    opts,
  );
  const healthCheck = new compute.HealthCheck(
    `${name}-primary`,
    {
      project,
      name: `${name}-primary`,
      description: "200 only on the writable, unfenced primary (pgaas agent)",
      checkIntervalSec: 2,
      timeoutSec: 1,
      healthyThreshold: 1,
      unhealthyThreshold: 2,
      httpHealthCheck: { port: ctx.agentPort, requestPath: "/primary" },
    },
    opts,
  );
  const [primaryGroup, failoverGroup] = groups as [compute.InstanceGroup, compute.InstanceGroup];
  const backend = new compute.RegionBackendService(
    `${name}-backend`,
    {
      project,
      region,
      name: `${name}-backend`,
      loadBalancingScheme: "INTERNAL",
      protocol: "TCP",
      healthChecks: healthCheck.id,
      connectionDrainingTimeoutSec: 0,
      backends: [
        { group: primaryGroup.selfLink, balancingMode: "CONNECTION" },
        { group: failoverGroup.selfLink, balancingMode: "CONNECTION", failover: true },
      ],
      // Never spread traffic over both nodes when neither reports itself primary (GCP's default).
      failoverPolicy: {
        failoverRatio: 1,
        dropTrafficIfUnhealthy: true,
        disableConnectionDrainOnFailover: true,
      },
    },
    opts,
  );
  new compute.ForwardingRule(
    `${name}-endpoint-rule`,
    {
      project,
      region,
      name: `${name}-endpoint`,
      loadBalancingScheme: "INTERNAL",
      ipProtocol: "TCP",
      ipAddress: endpoint.address,
      // The pooler rides the same rule: the health check already steers it to the primary.
      ports: [String(ctx.postgresPort), String(ctx.poolerPort)],
      backendService: backend.id,
      network: gcp.network,
      subnetwork: gcp.subnetwork,
    },
    opts,
  );

  return {
    nodes,
    witness: controlPlaneWitness(args, access),
    endpointKind: "load-balancer",
    endpointAddress: endpoint.address,
    publicEndpointAddress: undefined,
    interfaceName: "ens4",
    nodeCidr: gcp.subnetworkCidr,
    controlPlaneCidr,
    memoryMb: gcp.memoryMb ?? 8192,
    readyFile: HOST_READY_FILE,
    instances: vmsOf(nodes),
    addressesFollowVms: true,
  };
}
