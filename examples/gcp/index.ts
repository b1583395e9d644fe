// A pair on GCP: two zones, an internal passthrough load balancer whose health check asks the agent
// which node is primary, registered with the control plane, plus one database.
import { Database, PostgresPair } from "@pgaas/sdk";
import * as pulumi from "@pulumi/pulumi";

const config = new pulumi.Config();

const pair = new PostgresPair("billing", {
  clientCidrs: config.requireObject<string[]>("clientCidrs"),
  adminCidr: config.require("adminCidr"),
  sshPublicKey: config.require("sshPublicKey"),
  sshPrivateKey: config.requireSecret("sshPrivateKey"),
  controlPlaneAddress: config.require("controlPlaneAddress"),
  witnessSshHostKeySha256: config.require("controlPlaneHostKeySha256"),
  agentControlPlaneUrl: config.require("agentControlPlaneUrl"),
  // A resize or a replaced VM rolls through the pair in one `pulumi up`: the standby first, at most one
  // switchover (docs/operations.md, "Rolling updates in one `pulumi up`").
  rollingUpdates: true,
  gcp: {
    network: config.require("network"),
    subnetwork: config.require("subnetwork"),
    subnetworkCidr: config.require("subnetworkCidr"),
    zones: config.requireObject<[string, string]>("zones"),
    // Unset, these take the component's defaults (e2-standard-2, 8192 MiB, 50 GB pd-ssd).
    machineType: config.get("machineType"),
    memoryMb: config.getNumber("memoryMb"),
    dataDiskSizeGb: config.getNumber("dataDiskSizeGb"),
    dataDiskType: config.get("dataDiskType") === "pd-balanced" ? "pd-balanced" : "pd-ssd",
    project: config.get("project"),
  },
});

const invoices = new Database(
  "invoices",
  { pairId: pair.pairId, settings: { work_mem: "8192" } },
  { dependsOn: [pair] },
);

export const endpoint = pulumi.interpolate`${pair.endpointHost}:${pair.endpointPort}`;
export const nodes = pair.nodeAddresses;
export const primary = pair.primary;
export const pairId = pair.pairId;
export const adminUri = pair.connectionUri;
export const invoicesUri = invoices.connectionUri;
