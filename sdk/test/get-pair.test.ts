import { readFileSync } from "node:fs";
import { PGAAS_VERSION } from "@pgaas/common/wire";
import { beforeAll, describe, expect, it } from "vitest";
import { installMocks, type MockRegistry, resolved } from "./support/pulumi-mocks.js";

const PAIR = {
  pairId: "11111111-2222-4333-8444-555555555555",
  name: "orders",
  endpointHost: "10.0.0.10",
  endpointPort: 5432,
  caCertificate: "-----BEGIN CERTIFICATE-----\n…",
  primary: "n2",
  health: "healthy",
  syncState: "sync",
  nodes: [],
  databaseCount: 3,
};

describe("getPair", () => {
  let registry: MockRegistry;

  beforeAll(async () => {
    registry = await installMocks({ preview: false, functions: { "pgaas:index:getPair": () => PAIR } });
  });

  it("invokes the provider's function with the arguments given, plain and as an Output", async () => {
    const { getPair, getPairOutput } = await import("../src/get-pair.js");
    expect(await getPair({ name: "orders" })).toEqual(PAIR);
    const output = getPairOutput({ pairId: PAIR.pairId });
    expect(await resolved(output.apply((pair) => pair.primary))).toBe("n2");
    expect(registry.invokes).toEqual([
      { token: "pgaas:index:getPair", args: { name: "orders" } },
      { token: "pgaas:index:getPair", args: { pairId: PAIR.pairId } },
    ]);
  });

  it("asks for a function the plugin of its version declares", async () => {
    const { GET_PAIR_TOKEN } = await import("../src/get-pair.js");
    const schema = JSON.parse(readFileSync(new URL("../../provider/schema.json", import.meta.url), "utf8"));
    expect(schema.version).toBe(PGAAS_VERSION);
    expect(Object.keys(schema.functions[GET_PAIR_TOKEN].outputs.properties).sort()).toEqual(
      Object.keys(PAIR).sort(),
    );
  });
});
