// The pair spec in the provider's schema comes from the engine's own zod schema: named object types,
// enums with exactly the engine's values, the backup repository as a tagged union, and a spec the engine
// accepts described property by property (so a Python, Go or YAML program gets typed inputs, not Any).
import { type PairSpecInput, parsePairSpec } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { providerSchema } from "../../src/plugin/schema.js";
import { pulumiTypesFromZod } from "../../src/plugin/schema-from-zod.js";

type Json = Record<string, unknown>;
const schema = providerSchema();
const types = schema.types as Record<string, Json>;
const typeOf = (ref: unknown): Json => {
  const token = String(ref).replace("#/types/", "");
  const found = types[token];
  if (found === undefined) throw new Error(`no schema type ${token}`);
  return found;
};

/** Problems where `value` does not fit the schema property `property` (a tiny structural check). */
function misfits(value: unknown, property: Json, path: string): string[] {
  if (property.$ref === "pulumi.json#/Any") return [];
  if (Array.isArray(property.oneOf)) {
    const { propertyName, mapping } = property.discriminator as {
      propertyName: string;
      mapping: Record<string, string>;
    };
    const tag = (value as Json)[propertyName];
    const ref = mapping[String(tag)];
    return ref === undefined
      ? [`${path}: ${propertyName} ${String(tag)} is not a declared shape`]
      : misfits(value, { $ref: ref }, path);
  }
  if (property.$ref !== undefined) {
    const type = typeOf(property.$ref);
    if (Array.isArray(type.enum)) {
      const allowed = (type.enum as { value: string }[]).map((item) => item.value);
      return allowed.includes(value as string)
        ? []
        : [`${path}: ${String(value)} not in ${allowed.join(", ")}`];
    }
    const properties = type.properties as Record<string, Json>;
    const problems = (type.required as string[])
      .filter((key) => !(key in (value as Json)))
      .map((key) => `${path}.${key}: required`);
    for (const [key, inner] of Object.entries(value as Json)) {
      const declared = properties[key];
      if (declared === undefined) problems.push(`${path}.${key}: not in the schema`);
      else problems.push(...misfits(inner, declared, `${path}.${key}`));
    }
    return problems;
  }
  if (property.type === "array")
    return (value as unknown[]).flatMap((item, index) =>
      misfits(item, property.items as Json, `${path}[${index}]`),
    );
  if (property.type === "object")
    return Object.entries(value as Json).flatMap(([key, inner]) =>
      misfits(inner, property.additionalProperties as Json, `${path}.${key}`),
    );
  const actual = Number.isInteger(value) && property.type === "integer" ? "integer" : typeof value;
  return actual === property.type ? [] : [`${path}: ${actual}, the schema says ${String(property.type)}`];
}

const FULL_SPEC: PairSpecInput = {
  name: "orders",
  postgres: { memoryMb: 4096, port: 5432 },
  nodes: [
    { name: "n1", address: "10.40.0.11" },
    { name: "n2", address: "10.40.0.12" },
  ],
  witness: { name: "w", address: "10.40.1.5", port: 5440 },
  endpoint: { kind: "vip", address: "10.40.0.100", dnsName: "orders.db.example.org", interface: "ens3" },
  network: { nodeCidr: "10.40.0.0/24", clientCidrs: ["10.50.0.0/16"], controlPlaneCidrs: ["10.40.1.0/28"] },
  replication: { mode: "synchronous", degradeAfterSeconds: 3 },
  failover: { reconnectAttempts: 3, fenceCheckIntervalSecs: 0.5 },
  settings: { work_mem: "8MB", log_min_duration_statement: 500, log_connections: true },
  agent: { controlPlaneUrl: "https://10.40.1.5:8080", autoRejoin: true },
  backup: {
    repository: { kind: "s3", endpoint: "swift.example.org", bucket: "pgaas", uriStyle: "host" },
    retention: { full: 3 },
  },
};

describe("the pair spec in the provider's schema", () => {
  it("is a named type for PairConfiguration and the agents' install, not Any", () => {
    const configuration = (schema.resources as Record<string, Json>)["pgaas:index:PairConfiguration"] as Json;
    expect(((configuration.inputProperties as Record<string, Json>).spec as Json).$ref).toBe(
      "#/types/pgaas:index:PairSpec",
    );
    expect(
      (((types["pgaas:index:AgentInstall"] as Json).properties as Record<string, Json>).spec as Json).$ref,
    ).toBe("#/types/pgaas:index:PairSpec");
    expect(typeOf("pgaas:index:PairSpec").required).toEqual([
      "name",
      "nodes",
      "witness",
      "endpoint",
      "network",
    ]);
  });

  it("carries the engine's enums and the repository's tagged union", () => {
    const values = (token: string) => (typeOf(token).enum as { value: string }[]).map((item) => item.value);
    expect(values("pgaas:index:PairSpecEndpointKind")).toEqual(["vip", "load-balancer"]);
    expect(values("pgaas:index:PairSpecReplicationMode")).toEqual(["synchronous", "asynchronous"]);
    const repository = (typeOf("pgaas:index:PairSpecBackup").properties as Record<string, Json>)
      .repository as Json;
    expect(repository.discriminator).toEqual({
      propertyName: "kind",
      mapping: {
        local: "#/types/pgaas:index:PairSpecBackupRepositoryLocal",
        s3: "#/types/pgaas:index:PairSpecBackupRepositoryS3",
        gcs: "#/types/pgaas:index:PairSpecBackupRepositoryGcs",
      },
    });
  });

  it("describes every property of a spec the engine accepts", () => {
    expect(parsePairSpec(FULL_SPEC).name).toBe("orders");
    expect(misfits(FULL_SPEC, { $ref: "#/types/pgaas:index:PairSpec" }, "spec")).toEqual([]);
    // And it would notice a spec the schema does not describe.
    expect(
      misfits(
        { ...FULL_SPEC, endpoint: { ...FULL_SPEC.endpoint, kind: "dns" }, extra: 1 },
        { $ref: "#/types/pgaas:index:PairSpec" },
        "spec",
      ),
    ).toEqual(["spec.endpoint.kind: dns not in vip, load-balancer", "spec.extra: not in the schema"]);
  });

  it("refuses what it cannot name faithfully", () => {
    expect(() =>
      pulumiTypesFromZod(z.object({ pair: z.tuple([z.string(), z.number()]) }), "Odd", "odd"),
    ).toThrow("OddPair: a tuple of different element types has no Pulumi schema type");
    expect(() =>
      pulumiTypesFromZod(
        z.object({ aB: z.object({ x: z.string() }), "a-b": z.object({ y: z.number() }) }),
        "X",
        "x",
      ),
    ).toThrow("two different schema types would be named pgaas:index:XAB");
  });
});
