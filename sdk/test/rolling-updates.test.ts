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
function notRegistered(name: string) {
  return {
    [GET_PAIR]: () => {
      const message = `pair_not_found: no pair named ${name} is registered with the control plane`;
      throw Object.assign(new Error(message), { details: message });
    },
  };
}

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

  it("on the first creation (the control plane knows no such pair): the VMs as without the switch, then the steps", async () => {
    const { registry } = await constructPair("orders", openstackArgs(), {
      preview: false,
      functions: notRegistered("orders"),
    });
    const vms = ["orders-n1", "orders-n1-data", "orders-n2", "orders-n2-data"];
    expect(chainOf(registry)).toEqual({
      "orders-n1": [],
      "orders-n1-data": [],
      "orders-n2": ["orders-n1", "orders-n1-data"],
      "orders-n2-data": ["orders-n1-data"],
      "orders-n1-drain": vms,
      "orders-n1-settle": ["orders-n1", "orders-n1-data"],
      "orders-n2-drain": [...vms, "orders-n1-settle"].sort(),
      "orders-n2-settle": ["orders-n2", "orders-n2-data"],
    });
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "orders-configuration").dependsOn).toEqual(
      configurationDependsOn("orders-n2-settle"),
    );
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

describe("rolling updates when the control plane cannot answer", () => {
  it("fail every VM's gate with the plan's error, so no VM waits for a drain that never comes", async () => {
    const { NodeGates } = await import("../src/rollout-chain.js");
    const gates = new NodeGates();
    const error = new Error("control plane unreachable");
    gates.fail(error);
    await expect(gates.gate("n1")).rejects.toBe(error);
    await expect(gates.gate("n2")).rejects.toBe(error);
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

function gcpArgs(): PostgresPairArgs {
  return {
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
      machineType: "e2-standard-4",
    },
  };
}

/** The control plane's view of a GCP pair whose VMs this run replaces: the addresses before. */
function gcpRegisteredWithPrimary(primary: string) {
  return {
    [GET_PAIR]: () => ({
      ...registeredWithPrimary(primary)[GET_PAIR](),
      name: "billing",
      nodes: [
        { name: "n1", address: "10.0.0.31", role: "", writable: false, state: "reporting" },
        { name: "n2", address: "10.0.0.32", role: "", writable: false, state: "reporting" },
      ],
    }),
  };
}

/** Explicit dependencies of every step and VM of the GCP pair `billing`. */
function gcpChainOf(registry: MockRegistry) {
  const depends = (type: string, name: string) => registry.optionsOf(type, name).dependsOn;
  const instance = "gcp:compute/instance:Instance";
  const disk = "gcp:compute/disk:Disk";
  return Object.fromEntries(
    ["n1", "n2"].flatMap((node) => [
      [`billing-${node}-drain`, depends(ROLLOUT, `billing-${node}-drain`)],
      [`billing-${node}`, depends(instance, `billing-${node}`)],
      [`billing-${node}-data`, depends(disk, `billing-${node}-data`)],
      [`billing-${node}-settle`, depends(ROLLOUT, `billing-${node}-settle`)],
    ]),
  );
}

/** The node addresses (spec and SSH host alike) a step of `billing` was given. */
function stepAddresses(registry: MockRegistry, step: string) {
  const { spec, hosts } = registry.named(ROLLOUT, `billing-${step}`).inputs as {
    spec: { nodes: { name: string; address: string }[] };
    hosts: unknown;
  };
  const connections = unwrapSecretInput(hosts) as { name: string; host: string }[];
  return Object.fromEntries(
    spec.nodes.map((node) => [
      node.name,
      [node.address, connections.find((host) => host.name === node.name)?.host],
    ]),
  );
}

describe("rolling updates on GCP, n1 the primary", () => {
  it("moves n2 first; a step reaches a node whose VM has not changed yet at the control plane's address", async () => {
    const { registry } = await constructPair("billing", gcpArgs(), {
      preview: false,
      functions: gcpRegisteredWithPrimary("n1"),
    });
    expect(gcpChainOf(registry)).toEqual({
      "billing-n2-drain": [],
      "billing-n2": ["billing-n2-drain", "billing-nat"],
      "billing-n2-data": ["billing-n2-drain"],
      "billing-n2-settle": ["billing-n2"],
      "billing-n1-drain": ["billing-n2-settle"],
      "billing-n1": ["billing-n1-drain", "billing-nat"],
      "billing-n1-data": ["billing-n1-drain"],
      "billing-n1-settle": ["billing-n1"],
    });
    expect(registry.optionsOf("pgaas:index:PairConfiguration", "billing-configuration").dependsOn).toEqual([
      "billing-n1",
      "billing-n1-settle",
      "billing-n2",
    ]);
    // The VMs report 10.0.0.11 and 10.0.0.12; the control plane still knows 10.0.0.31 and 10.0.0.32.
    expect(stepAddresses(registry, "n2-drain")).toEqual({
      n1: ["10.0.0.31", "10.0.0.31"],
      n2: ["10.0.0.32", "10.0.0.32"],
    });
    expect(stepAddresses(registry, "n2-settle")).toEqual({
      n1: ["10.0.0.31", "10.0.0.31"],
      n2: ["10.0.0.12", "10.0.0.12"],
    });
    expect(stepAddresses(registry, "n1-drain")).toEqual({
      n1: ["10.0.0.31", "10.0.0.31"],
      n2: ["10.0.0.12", "10.0.0.12"],
    });
    expect(stepAddresses(registry, "n1-settle")).toEqual({
      n1: ["10.0.0.11", "10.0.0.11"],
      n2: ["10.0.0.12", "10.0.0.12"],
    });
    expect(registry.named(ROLLOUT, "billing-n1-drain").inputs.shape).toEqual({
      size: "e2-standard-4",
      image: "debian-cloud/debian-12",
    });
    expect(registry.named(ROLLOUT, "billing-n1-settle").inputs.instance).toEqual({
      name: "n1",
      instanceId: "billing-n1-vmid",
      size: "e2-standard-4",
      dataVolumeSizeGb: 50,
    });
  });
});

describe("rolling updates on GCP, n2 the primary", () => {
  it("moves n1 first: the mirror chain", async () => {
    const { registry } = await constructPair("billing", gcpArgs(), {
      preview: false,
      functions: gcpRegisteredWithPrimary("n2"),
    });
    expect(gcpChainOf(registry)).toEqual({
      "billing-n1-drain": [],
      "billing-n1": ["billing-n1-drain", "billing-nat"],
      "billing-n1-data": ["billing-n1-drain"],
      "billing-n1-settle": ["billing-n1"],
      "billing-n2-drain": ["billing-n1-settle"],
      "billing-n2": ["billing-n2-drain", "billing-nat"],
      "billing-n2-data": ["billing-n2-drain"],
      "billing-n2-settle": ["billing-n2"],
    });
    expect(stepAddresses(registry, "n1-drain")).toEqual({
      n1: ["10.0.0.31", "10.0.0.31"],
      n2: ["10.0.0.32", "10.0.0.32"],
    });
    expect(stepAddresses(registry, "n2-drain")).toEqual({
      n1: ["10.0.0.11", "10.0.0.11"],
      n2: ["10.0.0.32", "10.0.0.32"],
    });
  });
});

describe("rolling updates on GCP, first creation", () => {
  it("creates the VMs as without the switch, then the steps at the VMs' addresses", async () => {
    const { registry } = await constructPair("billing", gcpArgs(), {
      preview: false,
      functions: notRegistered("billing"),
    });
    expect(gcpChainOf(registry)).toEqual({
      "billing-n1": ["billing-nat"],
      "billing-n1-data": [],
      "billing-n2": ["billing-n1", "billing-nat"],
      "billing-n2-data": ["billing-n1-data"],
      "billing-n1-drain": ["billing-n1", "billing-n2"],
      "billing-n1-settle": ["billing-n1"],
      "billing-n2-drain": ["billing-n1", "billing-n1-settle", "billing-n2"],
      "billing-n2-settle": ["billing-n2"],
    });
    for (const step of ["n1-drain", "n1-settle", "n2-drain", "n2-settle"]) {
      expect(stepAddresses(registry, step)).toEqual({
        n1: ["10.0.0.11", "10.0.0.11"],
        n2: ["10.0.0.12", "10.0.0.12"],
      });
    }
  });
});
