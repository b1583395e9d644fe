import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
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

/** Passed through as it is: the engine validates it and ships it to the nodes for the agents to pin. */
const CONTROL_PLANE_CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("PostgresPair on local hosts", () => {
  let registry: MockRegistry;
  let pair: import("../src/postgres-pair.js").PostgresPair;

  beforeAll(async () => {
    ({ registry, pair } = await constructPair("demo", {
      clientCidrs: ["10.231.60.0/24"],
      agentControlPlaneUrl: "https://10.231.60.1:8080",
      agentControlPlaneCa: CONTROL_PLANE_CA,
      local: { subnet: "10.231.60.0/24", prefix: "pgl" },
    }));
  });

  it("creates three namespace hosts, the configuration and the registration", () => {
    expect(registry.counts()).toEqual({
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:LocalHosts": 1,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
      "pgaas:index:Registration": 1,
    });
    expect(registry.named("pgaas:index:LocalHosts", "demo-hosts").inputs).toEqual({
      prefix: "pgl",
      subnet: "10.231.60.0/24",
      hosts: ["n1", "n2", "w"],
      stateDir: ".pgaas/local/demo",
    });
  });

  it("adopts the configuration's secrets into PairSecrets after it, ignoring later seeds, unprotected", () => {
    expect(pairSecretsOf(registry, "demo")).toEqual({
      inputs: { pairName: "demo", seed: CONFIGURATION_SECRETS },
      seedSecret: true,
      options: {
        protect: undefined,
        retainOnDelete: undefined,
        ignoreChanges: ["seed"],
        dependsOn: ["demo-configuration"],
      },
    });
  });

  it("configures the pair on the lab hosts with the VIP at .100 and the lab's pinned host keys", () => {
    const config = registry.named("pgaas:index:PairConfiguration", "demo-configuration");
    expect(config.inputs.spec).toEqual({
      name: "demo",
      postgres: { major: 15, port: 5432, memoryMb: 256 },
      nodes: [
        { name: "n1", address: "10.231.60.2" },
        { name: "n2", address: "10.231.60.3" },
      ],
      witness: { name: "w", address: "10.231.60.4", port: 5433 },
      endpoint: { kind: "vip", address: "10.231.60.100", port: 5432, interface: "eth0" },
      network: {
        nodeCidr: "10.231.60.0/24",
        clientCidrs: ["10.231.60.0/24"],
        controlPlaneCidrs: ["10.231.60.1/32"],
      },
      replication: { mode: "synchronous" },
      settings: {},
      agent: {
        controlPlaneUrl: "https://10.231.60.1:8080",
        controlPlaneCa: CONTROL_PLANE_CA,
        listenPort: 9187,
      },
    });
    expect(config.inputs.readyFile).toBeUndefined();
    expect(isSecretInput(config.inputs.hosts)).toBe(true);
    expect(unwrapSecretInput(config.inputs.hosts)).toEqual(
      ["n1", "n2", "w"].map((host, index) => ({
        name: host,
        host: `10.231.60.${index + 2}`,
        port: 22,
        username: "root",
        privateKey: "LAB-PRIVATE-KEY",
        hostKeySha256: `HOSTKEY-${host}`,
        serviceManager: "detached",
      })),
    );
  });

  it("outputs the VIP endpoint and a secret admin URI", async () => {
    expect(await resolved(pair.endpointHost)).toBe("10.231.60.100");
    expect(await resolved(pair.nodeAddresses)).toEqual(["10.231.60.2", "10.231.60.3"]);
    expect(await resolved(pair.connectionUri)).toBe(
      "postgresql://pgaas_admin:admin-pw%2F%2B@10.231.60.100:5432/postgres?sslmode=verify-full",
    );
    expect(await pulumi.isSecret(pair.connectionUri)).toBe(true);
  });

  it.each([
    [
      { subnet: "10.231.60.0/16" },
      'local.subnet: local.subnet must be a /24 like "10.231.60.0/24" (got "10.231.60.0/16")',
    ],
    [
      { subnet: "10.231.60.0/24", prefix: "toolongprefix" },
      "local.prefix: local.prefix must match ^[a-z][a-z0-9]{0,5}$ (link names are at most 15 characters)",
    ],
  ])("rejects %j naming the arg", async (local, message) => {
    const { PostgresPair } = await import("../src/postgres-pair.js");
    expect(() => new PostgresPair("demo", { clientCidrs: [], local })).toThrow(
      `invalid PostgresPair demo: ${message}`,
    );
  });
});

describe("PostgresPair on local hosts without registration, in preview", () => {
  it("skips Registration when register is false and leaves lab addresses unknown", async () => {
    const { registry, pair } = await constructPair(
      "demo",
      { clientCidrs: [], register: false, local: { subnet: "10.231.60.0/24" } },
      { preview: true },
    );
    expect(registry.counts()).toEqual({
      "pgaas:components:PostgresPair": 1,
      "pgaas:index:LocalHosts": 1,
      "pgaas:index:PairConfiguration": 1,
      "pgaas:index:PairSecrets": 1,
    });
    expect(pair.registration).toBeUndefined();
    expect(await isKnown(pair.nodeAddresses)).toBe(false);
    expect(await resolved(pair.endpointHost)).toBe("10.231.60.100");
  });
});
