// A pair on OpenStack with a VIP (and a floating IP on it), registered with the control plane, plus one
// database. Config keys are listed in README.md.
import { Database, PostgresPair } from "@pgaas/sdk";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();
const zones = config.getObject<[string, string]>("availabilityZones");

const pair = new PostgresPair("orders", {
  clientCidrs: config.requireObject<string[]>("clientCidrs"),
  adminCidr: config.require("adminCidr"),
  sshPublicKey: config.require("sshPublicKey"),
  sshPrivateKey: config.requireSecret("sshPrivateKey"),
  controlPlaneAddress: config.require("controlPlaneAddress"),
  witnessSshHostKeySha256: config.require("controlPlaneHostKeySha256"),
  agentControlPlaneUrl: config.require("agentControlPlaneUrl"),
  settings: { work_mem: "16MB", max_connections: "200" },
  // A resize or a replaced VM rolls through the pair in one `pulumi up`: the standby first, at most one
  // switchover (docs/operations.md, "Rolling updates in one `pulumi up`").
  rollingUpdates: true,
  openstack: {
    networkId: config.require("networkId"),
    subnetId: config.require("subnetId"),
    subnetCidr: config.require("subnetCidr"),
    imageName: config.get("imageName") ?? "debian-12",
    flavorName: config.get("flavorName") ?? "m1.medium",
    memoryMb: config.getNumber("memoryMb") ?? 4096,
    availabilityZones: zones,
    floatingIpPool: config.get("floatingIpPool"),
    nodeFloatingIps: config.getBoolean("nodeFloatingIps") ?? false,
    dataVolumeSizeGb: config.getNumber("dataVolumeSizeGb") ?? 50,
    dataVolumeType: config.get("dataVolumeType"),
  },
});

const orders = new Database(
  "orders",
  {
    pairId: pair.pairId,
    settings: { statement_timeout: "30000" },
    connectionLimit: 50,
  },
  { dependsOn: [pair] },
);

export const endpoint = pulumi.interpolate`${pair.endpointHost}:${pair.endpointPort}`;
export const publicEndpoint = pair.publicEndpointHost;
export const nodes = pair.nodeAddresses;
export const primary = pair.primary;
export const pairId = pair.pairId;
export const adminUri = pair.connectionUri;
export const ordersUri = orders.connectionUri;
