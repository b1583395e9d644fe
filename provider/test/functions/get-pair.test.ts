// pgaas:index:getPair against a real control plane (HTTPS, throwaway store): by id and by name, the
// outputs the schema promises, and every bad input a failure that names it.
import { Secret } from "@pgaas/common";
import {
  ADMIN,
  type Harness,
  loginCookie,
  pairRegistration,
  startHarness,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeGetPair } from "../../src/functions/get-pair.js";
import { EMPTY_CONFIG, type ProviderConfig } from "../../src/plugin/provider-config.js";
import { providerSchema } from "../../src/plugin/schema.js";

let harness: Harness;
let config: ProviderConfig;
let pairId: string;
beforeAll(async () => {
  harness = await startHarness({ tls: true });
  const cookie = await loginCookie(harness, ADMIN.email, ADMIN.password);
  const token = await harness.call("POST", "/v1/tokens", { auth: { cookie }, body: { name: "pulumi" } });
  const registered = await harness.call("POST", "/v1/pairs", {
    auth: { cookie },
    body: pairRegistration(harness, "orders"),
  });
  expect(registered.status).toBe(201);
  pairId = (registered.body as { pair: { id: string } }).pair.id;
  config = {
    controlPlaneUrl: harness.server.url,
    apiToken: new Secret((token.body as { secret: string }).secret),
    controlPlaneCa: harness.caCertificate,
  };
}, 120_000);
afterAll(async () => {
  await harness?.stop();
});

describe("getPair", () => {
  it("finds a pair by id and by name, with every output the schema declares", async () => {
    const byId = await invokeGetPair({ pairId }, config);
    const byName = await invokeGetPair({ name: "orders" }, config);
    expect(byName).toEqual(byId);
    expect(byId.failures).toBeUndefined();
    expect(byId.outputs).toEqual({
      pairId,
      name: "orders",
      endpointHost: "127.0.0.1",
      endpointPort: harness.node.port,
      caCertificate: "",
      primary: "",
      health: "unknown",
      syncState: "none",
      nodes: [
        { name: "n1", address: "127.0.0.1", role: "unknown", writable: false, state: "unreachable" },
        { name: "n2", address: "127.0.0.1", role: "unknown", writable: false, state: "unreachable" },
      ],
      databaseCount: 0,
    });
    const declared = providerSchema().functions["pgaas:index:getPair"].outputs;
    expect(Object.keys(byId.outputs ?? {}).sort()).toEqual(Object.keys(declared.properties).sort());
    expect([...declared.required].sort()).toEqual(Object.keys(declared.properties).sort());
  });

  it("names what is wrong with the inputs", async () => {
    expect((await invokeGetPair({}, config)).failures).toEqual([
      { property: "(inputs)", reason: "give exactly one of pairId and name" },
    ]);
    expect((await invokeGetPair({ pairId, name: "orders" }, config)).failures).toEqual([
      { property: "(inputs)", reason: "give exactly one of pairId and name" },
    ]);
    const bad = await invokeGetPair({ pairId: "nope", region: "x" }, config);
    expect(bad.failures?.map((failure) => failure.property).sort()).toEqual(["(inputs)", "pairId"]);
  });

  it("fails with the pair it could not find", async () => {
    await expect(invokeGetPair({ name: "billing" }, config)).rejects.toThrow(
      "pair_not_found: no pair named billing is registered with the control plane",
    );
    const unknownId = "11111111-2222-4333-8444-555555555555";
    await expect(invokeGetPair({ pairId: unknownId }, config)).rejects.toThrow(
      `pair_not_found: no pair with id ${unknownId} is registered with the control plane`,
    );
  });

  it("says which configuration it needs", async () => {
    await expect(invokeGetPair({ name: "orders" }, EMPTY_CONFIG)).rejects.toThrow(
      "getPair needs the control plane: set pgaas:controlPlaneUrl and pgaas:apiToken",
    );
  });
});
