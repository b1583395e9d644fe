import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { providerSchema, schemaJson } from "../../src/plugin/schema.js";

type Schema = ReturnType<typeof providerSchema>;
type Props = Record<string, Record<string, unknown>>;

function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === "$ref" ? [String(inner)] : refsIn(inner)));
}

function secretProperties(props: Props): string[] {
  return Object.entries(props)
    .filter(([, prop]) => prop.secret === true)
    .map(([name]) => name)
    .sort();
}

describe("provider schema", () => {
  const schema: Schema = providerSchema();

  it("is what provider/schema.json holds (regenerate: node --conditions=pgaas-source --import tsx provider/src/plugin/write-schema.ts)", async () => {
    const file = await readFile(new URL("../../schema.json", import.meta.url), "utf8");
    expect(JSON.parse(file)).toEqual(JSON.parse(schemaJson()));
  });

  it("declares exactly the seven resources, the three components and the two config keys", () => {
    expect(Object.keys(schema.resources).sort()).toEqual([
      "pgaas:components:ControlPlane",
      "pgaas:components:Database",
      "pgaas:components:PostgresPair",
      "pgaas:index:ControlPlaneHost",
      "pgaas:index:Database",
      "pgaas:index:LocalHosts",
      "pgaas:index:NodeRollout",
      "pgaas:index:PairConfiguration",
      "pgaas:index:PairSecrets",
      "pgaas:index:Registration",
    ]);
    expect(Object.keys(schema.config.variables)).toEqual(["controlPlaneUrl", "apiToken"]);
    expect(schema.name).toBe("pgaas");
    const components = Object.entries(schema.resources)
      .filter(([, resource]) => (resource as { isComponent?: boolean }).isComponent === true)
      .map(([token]) => token);
    expect(components).toEqual([
      "pgaas:components:PostgresPair",
      "pgaas:components:ControlPlane",
      "pgaas:components:Database",
    ]);
  });

  it("types the components' inputs without Any", () => {
    const components = [
      schema.resources["pgaas:components:PostgresPair"],
      schema.resources["pgaas:components:Database"],
    ];
    expect(refsIn(components).filter((ref) => ref === "pulumi.json#/Any")).toEqual([]);
    expect(schema.resources["pgaas:components:PostgresPair"].inputProperties.replicationMode).toMatchObject({
      $ref: "#/types/pgaas:index:PairSpecReplicationMode",
    });
  });

  it("marks every credential secret, and nothing else", () => {
    const secrets = Object.fromEntries(
      Object.entries(schema.resources).map(([token, resource]) => [
        token,
        secretProperties(resource.properties as Props),
      ]),
    );
    expect(secrets).toEqual({
      "pgaas:components:ControlPlane": ["adminPassword"],
      "pgaas:components:Database": ["connectionUri", "ownerPassword"],
      "pgaas:components:PostgresPair": ["adminPassword", "connectionUri"],
      "pgaas:index:ControlPlaneHost": ["adminPassword", "generated", "privateKey"],
      "pgaas:index:Database": ["connectionUri", "ownerPassword"],
      "pgaas:index:LocalHosts": ["sshPrivateKey"],
      "pgaas:index:NodeRollout": ["pairSecrets"],
      "pgaas:index:PairConfiguration": ["adminPassword", "pairSecrets"],
      "pgaas:index:PairSecrets": ["pairSecrets", "seed"],
      "pgaas:index:Registration": ["adminPassword", "agentTokens"],
    });
    expect(secretProperties(schema.config.variables as Props)).toEqual(["apiToken"]);
    expect(secretProperties(schema.types["pgaas:index:HostConnection"].properties as Props)).toEqual([
      "privateKey",
    ]);
    expect(secretProperties(schema.types["pgaas:index:AgentInstall"].properties as Props)).toEqual([
      "pairSecrets",
    ]);
  });

  it("references only types it defines, and requires only properties it has", () => {
    const defined = new Set(Object.keys(schema.types).map((token) => `#/types/${token}`));
    const dangling = refsIn(schema).filter((ref) => ref !== "pulumi.json#/Any" && !defined.has(ref));
    expect(dangling).toEqual([]);
    for (const resource of Object.values(schema.resources)) {
      const inputs = Object.keys(resource.inputProperties);
      const properties = Object.keys(resource.properties);
      expect(resource.requiredInputs.filter((name) => !inputs.includes(name))).toEqual([]);
      expect(resource.required.filter((name) => !properties.includes(name))).toEqual([]);
    }
  });
});
