import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { PostgresPairArgs } from "../src/postgres-pair-args.js";
import { CLOUD_ACCESS_ARGS } from "./support/cloud-access-args.js";
import {
  CONFIGURATION_SECRETS,
  constructPair,
  isKnown,
  isSecretInput,
  type MockRegistry,
  pairSecretsOf,
  resolved,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

function gcpArgs(): PostgresPairArgs {
  return {
    clientCidrs: ["10.20.0.0/16", "10.30.0.0/16"],
    ...CLOUD_ACCESS_ARGS,
    replicationMode: "synchronous",
    agentControlPlaneUrl: "https://10.0.0.5:8080",
    gcp: {
      network: "vpc-1",
      subnetwork: "subnet-1",
      subnetworkCidr: "10.0.0.0/24",
      zones: ["europe-west1-b", "europe-west1-c"],
      project: "acme",
    },
  };
}

describe("PostgresPair on GCP", () => {
  let registry: MockRegistry;
  let pair: import("../src/postgres-pair.js").PostgresPair;

  beforeAll(async () => {
    ({ registry, pair } = await constructPair("billing", gcpArgs()));
  });

  it("creates exactly the planned resources", () => {
    expect(registry.counts()).toEqual({
      "gcp:compute/address:Address": 1,
      "gcp:compute/disk:Disk": 2,
      "gcp:compute/firewall:Firewall": 7,
      "gcp:compute/forwardingRule:ForwardingRule": 1,
      "gcp:compute/healthCheck:HealthCheck": 1,
      "gcp:compute/instance:Instance": 2,
      "gcp:compute/instanceGroup:InstanceGroup": 2,
      "gcp:compute/regionBackendService:RegionBackendService": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
      "pgaas:index:Registration": 1,
      "tls:index/privateKey:PrivateKey": 2,
    });
  });

  it("adopts the configuration's secrets into PairSecrets after it, ignoring later seeds, unprotected", () => {
    expect(pairSecretsOf(registry, "billing")).toEqual({
      inputs: { pairName: "billing", seed: CONFIGURATION_SECRETS },
      seedSecret: true,
      options: {
        protect: undefined,
        retainOnDelete: undefined,
        ignoreChanges: ["seed"],
        dependsOn: ["billing-configuration"],
      },
    });
  });

  it("gives the nodes Cloud NAT for their subnetwork only, before they boot", () => {
    expect(registry.named("gcp:compute/router:Router", "billing-router").inputs).toEqual({
      project: "acme",
      region: "europe-west1",
      name: "billing-router",
      network: "vpc-1",
    });
    expect(registry.named("gcp:compute/routerNat:RouterNat", "billing-nat").inputs).toEqual({
      project: "acme",
      region: "europe-west1",
      name: "billing-nat",
      router: "billing-router",
      natIpAllocateOption: "AUTO_ONLY",
      sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
      subnetworks: [{ name: "subnet-1", sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
    // n2 also waits for n1: a resize or replacement never takes both nodes at once.
    expect(registry.optionsOf("gcp:compute/instance:Instance", "billing-n1").dependsOn).toEqual([
      "billing-nat",
    ]);
    expect(registry.optionsOf("gcp:compute/instance:Instance", "billing-n2").dependsOn).toEqual([
      "billing-n1",
      "billing-nat",
    ]);
  });

  it("feeds each node's VM id, machine type and disk size to the pair configuration; resizes stop the VM in place", () => {
    const config = registry.named("pgaas:index:PairConfiguration", "billing-configuration");
    expect(config.inputs.nodeInstances).toEqual([
      { name: "n1", instanceId: "billing-n1-vmid", size: "e2-standard-2", dataVolumeSizeGb: 50 },
      { name: "n2", instanceId: "billing-n2-vmid", size: "e2-standard-2", dataVolumeSizeGb: 50 },
    ]);
    for (const node of ["n1", "n2"]) {
      expect(
        registry.named("gcp:compute/instance:Instance", `billing-${node}`).inputs.allowStoppingForUpdate,
      ).toBe(true);
    }
  });

  it("puts one node in each zone, tagged for the firewall rules, with the startup script", () => {
    for (const [node, zone] of [
      ["n1", "europe-west1-b"],
      ["n2", "europe-west1-c"],
    ]) {
      const instance = registry.named("gcp:compute/instance:Instance", `billing-${node}`);
      expect(instance.inputs).toMatchObject({
        zone,
        project: "acme",
        machineType: "e2-standard-2",
        tags: ["billing-pgaas"],
        networkInterfaces: [{ network: "vpc-1", subnetwork: "subnet-1" }],
        bootDisk: { initializeParams: { image: "debian-cloud/debian-12", size: 20 } },
        attachedDisks: [{ source: `https://compute/billing-${node}-data`, deviceName: "pgaas-data" }],
      });
      expect(isSecretInput(instance.inputs.metadataStartupScript)).toBe(true);
      const script = String(unwrapSecretInput(instance.inputs.metadataStartupScript));
      expect(script).toContain(
        "apt-get install -y -q --no-install-recommends postgresql-15 postgresql-15-repmgr pgbackrest pgbouncer rsync curl\n",
      );
      expect(script).not.toContain("keepalived");
      const group = registry.named("gcp:compute/instanceGroup:InstanceGroup", `billing-${node}-group`);
      expect(group.inputs).toMatchObject({ zone, instances: [`https://compute/billing-${node}`] });
    }
  });

  it("keeps each node's data on its own protected SSD disk, mounted by device name", () => {
    for (const [node, zone] of [
      ["n1", "europe-west1-b"],
      ["n2", "europe-west1-c"],
    ]) {
      const disk = registry.named("gcp:compute/disk:Disk", `billing-${node}-data`);
      expect(disk.inputs).toEqual({
        project: "acme",
        zone,
        name: `billing-${node}-data`,
        description: `pgaas pair billing: PostgreSQL data of ${node}`,
        type: "pd-ssd",
        size: 50,
        labels: { "pgaas-pair": "billing", "pgaas-node": node },
      });
      expect(registry.optionsOf("gcp:compute/disk:Disk", `billing-${node}-data`)).toEqual({
        protect: true,
        retainOnDelete: false,
        ignoreChanges: undefined,
        dependsOn: node === "n1" ? [] : ["billing-n1-data"],
      });
      const instance = registry.named("gcp:compute/instance:Instance", `billing-${node}`);
      expect(String(unwrapSecretInput(instance.inputs.metadataStartupScript))).toContain(
        "  for candidate in /dev/disk/by-id/google-pgaas-data; do",
      );
      expect(registry.optionsOf("gcp:compute/instance:Instance", `billing-${node}`).ignoreChanges).toEqual([
        "metadataStartupScript",
      ]);
    }
  });

  it("opens exactly the planned firewall rules", () => {
    const rules = registry
      .ofType("gcp:compute/firewall:Firewall")
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(({ name, inputs }) => [
        name,
        inputs.allows,
        inputs.sourceRanges ?? `tags:${String(inputs.sourceTags)}`,
      ]);
    expect(rules).toEqual([
      ["billing-clients-0", [{ protocol: "tcp", ports: ["5432", "6432"] }], ["10.20.0.0/16"]],
      ["billing-clients-1", [{ protocol: "tcp", ports: ["5432", "6432"] }], ["10.30.0.0/16"]],
      ["billing-control-plane", [{ protocol: "tcp", ports: ["5432", "9187"] }], ["10.0.0.5/32"]],
      ["billing-health-checks-0", [{ protocol: "tcp", ports: ["9187"] }], ["35.191.0.0/16"]],
      ["billing-health-checks-1", [{ protocol: "tcp", ports: ["9187"] }], ["130.211.0.0/22"]],
      ["billing-peers", [{ protocol: "tcp", ports: ["22", "5432"] }], "tags:billing-pgaas"],
      ["billing-ssh-admin", [{ protocol: "tcp", ports: ["22"] }], ["198.51.100.0/24"]],
    ]);
    for (const rule of registry.ofType("gcp:compute/firewall:Firewall")) {
      expect(rule.inputs).toMatchObject({
        network: "vpc-1",
        direction: "INGRESS",
        targetTags: ["billing-pgaas"],
      });
    }
  });

  it("fronts the pair with an internal passthrough load balancer checking the agent's /primary", () => {
    expect(registry.named("gcp:compute/address:Address", "billing-endpoint").inputs).toMatchObject({
      addressType: "INTERNAL",
      region: "europe-west1",
      subnetwork: "subnet-1",
    });
    expect(registry.named("gcp:compute/healthCheck:HealthCheck", "billing-primary").inputs).toMatchObject({
      httpHealthCheck: { port: 9187, requestPath: "/primary" },
    });
    const backend = registry.named(
      "gcp:compute/regionBackendService:RegionBackendService",
      "billing-backend",
    );
    expect(backend.inputs).toMatchObject({
      region: "europe-west1",
      loadBalancingScheme: "INTERNAL",
      protocol: "TCP",
      healthChecks: "billing-primary-id",
      backends: [
        { group: "https://compute/billing-n1-group", balancingMode: "CONNECTION" },
        { group: "https://compute/billing-n2-group", balancingMode: "CONNECTION", failover: true },
      ],
      failoverPolicy: {
        failoverRatio: 1,
        dropTrafficIfUnhealthy: true,
        disableConnectionDrainOnFailover: true,
      },
    });
    expect(
      registry.named("gcp:compute/forwardingRule:ForwardingRule", "billing-endpoint-rule").inputs,
    ).toMatchObject({
      loadBalancingScheme: "INTERNAL",
      ipProtocol: "TCP",
      ipAddress: "10.128.0.50",
      ports: ["5432", "6432"],
      backendService: "billing-backend-id",
    });
  });

  it("configures a load-balancer pair and keeps keys secret", async () => {
    const config = registry.named("pgaas:index:PairConfiguration", "billing-configuration");
    expect(config.inputs.spec).toMatchObject({
      endpoint: { kind: "load-balancer", address: "10.128.0.50", port: 5432, interface: "ens4" },
      nodes: [
        { name: "n1", address: "10.0.0.11" },
        { name: "n2", address: "10.0.0.12" },
      ],
      postgres: { major: 15, port: 5432, memoryMb: 8192 },
    });
    expect((config.inputs.spec as Record<string, unknown>).agent).toEqual({
      controlPlaneUrl: "https://10.0.0.5:8080",
      listenPort: 9187,
    });
    expect(isSecretInput(config.inputs.hosts)).toBe(true);
    expect(
      (unwrapSecretInput(config.inputs.hosts) as { name: string; hostKeySha256: string }[]).map((host) => [
        host.name,
        host.hostKeySha256,
      ]),
    ).toEqual([
      ["n1", "SHA256:HOSTKEY-n1"],
      ["n2", "SHA256:HOSTKEY-n2"],
      ["witness", "SHA256:WITNESS-HOSTKEY"],
    ]);
    expect(
      isSecretInput(registry.named("pgaas:index:Registration", "billing-registration").inputs.agents),
    ).toBe(true);
    expect(await resolved(pair.endpointHost)).toBe("10.128.0.50");
    expect(await resolved(pair.publicEndpointHost)).toBeUndefined();
    expect(await pulumi.isSecret(pair.connectionUri)).toBe(true);
  });

  it.each([
    [
      "no agent",
      { agentControlPlaneUrl: undefined },
      "agentControlPlaneUrl: agentControlPlaneUrl is required on gcp (the load balancer's health check asks the agent)",
    ],
    [
      "no registration",
      { register: false },
      "register: register cannot be false on gcp (the agents need the control plane's tokens)",
    ],
  ] as const)("rejects %s naming the arg", async (_case, override, message) => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    expect(() => new PostgresPair("billing", { ...gcpArgs(), ...override })).toThrow(
      `invalid PostgresPair billing: ${message}`,
    );
  });

  it.each([
    [
      ["europe-west1-b", "europe-west1-b"],
      "gcp.zones: give two different zones of one region (one node per zone)",
    ],
    [
      ["europe-west1-b", "us-east1-b"],
      "gcp.zones: give two different zones of one region (one node per zone)",
    ],
    [["west", "east"], 'gcp.zones: zones must look like "europe-west1-b" (got ["west","east"])'],
  ] as const)("rejects zones %j naming gcp.zones", async (zones, message) => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    const args = gcpArgs();
    expect(
      () =>
        new PostgresPair("billing", {
          ...args,
          gcp: { ...(args.gcp as NonNullable<typeof args.gcp>), zones: [...zones] },
        }),
    ).toThrow(`invalid PostgresPair billing: ${message}`);
  });
});

describe("PostgresPair on GCP in preview", () => {
  it("registers the same 25 resources while addresses are unknown", async () => {
    const { registry, pair } = await constructPair("billing", gcpArgs(), { preview: true });
    expect(registry.resources.length).toBe(25);
    expect(await isKnown(pair.endpointHost)).toBe(false);
  });
});

describe("PostgresPair on GCP with the user's Cloud NAT", () => {
  it("creates no router and no NAT, and the nodes wait for nothing extra", async () => {
    const args = gcpArgs();
    const { registry } = await constructPair("ledger", {
      ...args,
      gcp: { ...(args.gcp as NonNullable<PostgresPairArgs["gcp"]>), natRouter: "corp-router" },
    });
    expect(registry.namesOf("gcp:compute/router:Router")).toEqual([]);
    expect(registry.namesOf("gcp:compute/routerNat:RouterNat")).toEqual([]);
    expect(registry.optionsOf("gcp:compute/instance:Instance", "ledger-n1").dependsOn).toEqual([]);
  });
});

// After the tests that construct an invalid pair: those register a component against the mocks installed
// last and then throw, so they must not run after a test whose mock registry has already settled.
describe("PostgresPair on GCP beside a ControlPlane", () => {
  it("takes the agents' URL, the witness address and its host key from a controlPlane", async () => {
    const {
      controlPlaneAddress: _address,
      witnessSshHostKeySha256: _key,
      agentControlPlaneUrl: _url,
      ...args
    } = gcpArgs();
    const { registry: withControlPlane } = await constructPair("billing", {
      ...args,
      controlPlane: {
        witnessAddress: "10.0.0.5",
        witnessSshHostKeySha256: "SHA256:CP-HOSTKEY",
        url: "https://10.0.0.5:443",
        caCertificate: "CP-CA",
      },
    });
    const spec = withControlPlane.named("pgaas:index:PairConfiguration", "billing-configuration").inputs
      .spec as { witness: unknown; agent: unknown };
    expect(spec.witness).toEqual({ name: "witness", address: "10.0.0.5", port: 5433 });
    expect(spec.agent).toEqual({
      controlPlaneUrl: "https://10.0.0.5:443",
      controlPlaneCa: "CP-CA",
      listenPort: 9187,
    });
  });
});
