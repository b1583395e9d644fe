// PostgresPairArgs.rollingUpdates: the chain drain(S) → VM(S) → settle(S) → drain(P) → VM(P) →
// settle(P) → PairConfiguration, its order asked of the control plane (getPair, answered by the mock).
import { describe, expect, it } from "vitest";
import type { PostgresPairArgs } from "../src/postgres-pair-args.js";
import { CLOUD_ACCESS_ARGS } from "./support/cloud-access-args.js";
import {
  constructPair,
  isSecretInput,
  type MockRegistry,
  pairSecretsOf,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

const ROLLOUT = "pgaas:index:NodeRollout";
const GET_PAIR = "pgaas:index:getPair";

function openstackArgs(extra: Partial<PostgresPairArgs> = {}): PostgresPairArgs {
  return {
    clientCidrs: ["10.1.0.0/16"],
    ...CLOUD_ACCESS_ARGS,
    agentControlPlaneUrl: "https://10.0.0.5:8080",
    rollingUpdates: true,
    openstack: {
      networkId: "net-1",
      subnetId: "sub-1",
      subnetCidr: "10.0.0.0/24",
      imageName: "debian-12",
      flavorName: "m1.medium",
      dataVolumeSizeGb: 80,
    },
    ...extra,
  };
}

/** The control plane's answer for a registered pair whose primary is `primary`. */
function registeredWithPrimary(primary: string) {
  return {
    [GET_PAIR]: () => ({
      pairId: "11111111-2222-4333-8444-555555555555",
      name: "orders",
      endpointHost: "10.0.0.10",
      endpointPort: 5432,
      caCertificate: "",
      primary,
      health: "healthy",
      syncState: "sync",
      nodes: [],
      databaseCount: 0,
    }),
  };
}

/**
 * What the provider's getPair answers before the first `pulumi up` registered the pair: the engine
 * hands the provider's message over as the failed call's details.
 */
const NOT_REGISTERED = {
  [GET_PAIR]: () => {
    const message = "no pair named orders is registered with the control plane";
    throw Object.assign(new Error(message), { details: message });
  },
};

/** Explicit dependencies of every step, VM, volume and the configuration: the chain, exactly. */
function chainOf(registry: MockRegistry) {
  const depends = (type: string, name: string) => registry.optionsOf(type, name).dependsOn;
  const instance = "openstack:compute/instance:Instance";
  const volume = "openstack:blockstorage/volume:Volume";
  return Object.fromEntries(
    ["n1", "n2"].flatMap((node) => [
      [`orders-${node}-drain`, depends(ROLLOUT, `orders-${node}-drain`)],
      [`orders-${node}`, depends(instance, `orders-${node}`)],
      [`orders-${node}-data`, depends(volume, `orders-${node}-data`)],
      [`orders-${node}-settle`, depends(ROLLOUT, `orders-${node}-settle`)],
    ]),
  );
}

/** The configuration waits for both VMs, both attachments and the last settle. */
function configurationDependsOn(lastSettle: string): string[] {
  return ["orders-n1", "orders-n1-data", "orders-n2", "orders-n2-data", lastSettle].sort();
}

describe("rolling updates on OpenStack, n1 the primary", () => {
  it("moves n2 first: drain(n2) → VM(n2) → settle(n2) → drain(n1) → VM(n1) → settle(n1) → configuration", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: registeredWithPrimary("n1"),
    });
    expect(registry.invokes).toEqual([{ token: GET_PAIR, args: { name: "orders" } }]);
    expect(chainOf(registry)).toEqual({
      "orders-n2-drain": [],
      "orders-n2": ["orders-n2-drain"],
      "orders-n2-data": ["orders-n2-drain"],
      "orders-n2-settle": ["orders-n2", "orders-n2-data"],
      "orders-n1-drain": ["orders-n2-settle"],
      "orders-n1": ["orders-n1-drain"],
      "orders-n1-data": ["orders-n1-drain"],
      "orders-n1-settle": ["orders-n1", "orders-n1-data"],
    });
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "orders-configuration").dependsOn).toEqual(
      configurationDependsOn("orders-n1-settle"),
    );
  });

  it("creates exactly one drain and one settle per node, unprotected, taking the program's shape and the VM's facts", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: registeredWithPrimary("n1"),
    });
    expect(registry.counts()).toEqual({
      "openstack:blockstorage/volume:Volume": 2,
      "openstack:compute/instance:Instance": 2,
      "openstack:compute/serverGroup:ServerGroup": 1,
      "openstack:compute/volumeAttach:VolumeAttach": 2,
      "openstack:networking/port:Port": 3,
      "openstack:networking/secGroup:SecGroup": 1,
      "openstack:networking/secGroupRule:SecGroupRule": 8,
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:NodeRollout": 4,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
      "pgaas:index:Registration": 1,
      "tls:index/privateKey:PrivateKey": 2,
    });
    const configuration = registry.named("pgaas:index:PairConfiguration", "orders-configuration").inputs;
    for (const node of ["n1", "n2"]) {
      const drain = registry.named(ROLLOUT, `orders-${node}-drain`).inputs;
      const settle = registry.named(ROLLOUT, `orders-${node}-settle`).inputs;
      expect({ ...drain, spec: undefined, hosts: undefined, pairSecrets: undefined }).toEqual({
        node,
        phase: "drain",
        shape: { size: "m1.medium", image: "debian-12" },
        spec: undefined,
        hosts: undefined,
        pairSecrets: undefined,
      });
      expect({ ...settle, spec: undefined, hosts: undefined, pairSecrets: undefined }).toEqual({
        node,
        phase: "settle",
        instance: { name: node, instanceId: `orders-${node}-id`, size: "m1.medium", dataVolumeSizeGb: 80 },
        spec: undefined,
        hosts: undefined,
        pairSecrets: undefined,
      });
      // The pair as PairConfiguration sees it, the secrets from PairSecrets and kept secret.
      for (const step of [drain, settle]) {
        expect(step.spec).toEqual(configuration.spec);
        expect(step.hosts).toEqual(configuration.hosts);
        expect(isSecretInput(step.pairSecrets)).toBe(true);
        expect(unwrapSecretInput(step.pairSecrets)).toBe("{}");
      }
      for (const step of [`orders-${node}-drain`, `orders-${node}-settle`]) {
        const { protect, retainOnDelete, ignoreChanges } = registry.optionsOf(ROLLOUT, step);
        expect({ protect, retainOnDelete, ignoreChanges }).toEqual({
          protect: undefined,
          retainOnDelete: undefined,
          ignoreChanges: undefined,
        });
      }
    }
  });

  it("creates PairSecrets before the VMs under the adopted name, ignoring its seed, and hands it to the configuration", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: registeredWithPrimary("n1"),
    });
    expect(pairSecretsOf(registry, "orders")).toEqual({
      inputs: { pairName: "orders", seed: undefined },
      seedSecret: false,
      options: { protect: undefined, retainOnDelete: undefined, ignoreChanges: ["seed"], dependsOn: [] },
    });
    const configuration = registry.named("pgaas:index:PairConfiguration", "orders-configuration").inputs;
    expect(isSecretInput(configuration.pairSecrets)).toBe(true);
    expect(unwrapSecretInput(configuration.pairSecrets)).toBe("{}");
  });
});

describe("rolling updates on OpenStack, n2 the primary", () => {
  it("moves n1 first: the mirror chain", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: registeredWithPrimary("n2"),
    });
    expect(chainOf(registry)).toEqual({
      "orders-n1-drain": [],
      "orders-n1": ["orders-n1-drain"],
      "orders-n1-data": ["orders-n1-drain"],
      "orders-n1-settle": ["orders-n1", "orders-n1-data"],
      "orders-n2-drain": ["orders-n1-settle"],
      "orders-n2": ["orders-n2-drain"],
      "orders-n2-data": ["orders-n2-drain"],
      "orders-n2-settle": ["orders-n2", "orders-n2-data"],
    });
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "orders-configuration").dependsOn).toEqual(
      configurationDependsOn("orders-n2-settle"),
    );
  });
});

describe("rolling updates on OpenStack, n1 first", () => {
  const n1First = {
    "orders-n1-drain": [],
    "orders-n1": ["orders-n1-drain"],
    "orders-n1-data": ["orders-n1-drain"],
    "orders-n1-settle": ["orders-n1", "orders-n1-data"],
    "orders-n2-drain": ["orders-n1-settle"],
    "orders-n2": ["orders-n2-drain"],
    "orders-n2-data": ["orders-n2-drain"],
    "orders-n2-settle": ["orders-n2", "orders-n2-data"],
  };

  it("on the first creation (the control plane knows no such pair)", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: NOT_REGISTERED,
    });
    expect(chainOf(registry)).toEqual(n1First);
    expect(registry.namesOf(ROLLOUT)).toEqual([
      "orders-n1-drain",
      "orders-n1-settle",
      "orders-n2-drain",
      "orders-n2-settle",
    ]);
  });

  it("without registration, asking the control plane nothing", async () => {
    const { registry } = await constructPair("orders", openstackArgs({ register: false }), {
      preview: false,
    });
    expect(registry.invokes).toEqual([]);
    expect(chainOf(registry)).toEqual(n1First);
    expect(registry.namesOf("pgaas:index:Registration")).toEqual([]);
  });

  it("while the pair has no primary (the drains check the live role anyway)", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: registeredWithPrimary(""),
    });
    expect(chainOf(registry)).toEqual(n1First);
  });
});

describe("rolling updates on local hosts", () => {
  it("create PairSecrets first and hand it to the configuration; no VM, so no step", async () => {
    const { registry } = await constructPair("demo", {
      clientCidrs: ["10.231.60.0/24"],
      rollingUpdates: true,
      local: { subnet: "10.231.60.0/24", prefix: "pgl" },
    });
    expect(registry.counts()).toEqual({
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:LocalHosts": 1,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
      "pgaas:index:Registration": 1,
    });
    expect(registry.invokes).toEqual([]);
    expect(pairSecretsOf(registry, "demo")).toEqual({
      inputs: { pairName: "demo", seed: undefined },
      seedSecret: false,
      options: { protect: undefined, retainOnDelete: undefined, ignoreChanges: ["seed"], dependsOn: [] },
    });
    const configuration = registry.named("pgaas:index:PairConfiguration", "demo-configuration").inputs;
    expect(unwrapSecretInput(configuration.pairSecrets)).toBe("{}");
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "demo-configuration").dependsOn).toEqual([
      "demo-hosts",
    ]);
  });
});

describe("rolling updates on GCP", () => {
  it("are refused, naming why", async () => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    expect(
      () =>
        new PostgresPair("billing", {
          clientCidrs: ["10.20.0.0/16"],
          ...CLOUD_ACCESS_ARGS,
          agentControlPlaneUrl: "https://10.0.0.5:8080",
          rollingUpdates: true,
          gcp: {
            network: "vpc-1",
            subnetwork: "subnet-1",
            subnetworkCidr: "10.0.0.0/24",
            zones: ["europe-west1-b", "europe-west1-c"],
            project: "acme",
          },
        }),
    ).toThrow(
      "invalid PostgresPair billing: rollingUpdates: rollingUpdates is not available on gcp yet (a node's address comes from its instance, so no step could reach the pair before the VM it orders)",
    );
  });
});
