import { describe, expect, it } from "vitest";
import { UNKNOWN_VALUE, wireSecret } from "../../src/plugin/wire-values.js";
import { registrationHandler } from "../../src/resources/registration.js";
import { recordingContext } from "../support/resource-context.js";

const inputs = {
  name: "orders",
  endpointHost: "10.0.0.10",
  endpointPort: 5432,
  nodes: [
    { name: "n1", address: "10.0.0.11", port: 5432, agentPort: 9187 },
    { name: "n2", address: "10.0.0.12", port: 5432, agentPort: 9187 },
  ],
  witness: { name: "w", address: "10.0.0.5" },
  adminPassword: wireSecret("pw"),
};
const state = {
  ...inputs,
  adminUsername: "pgaas_admin",
  pairId: "11111111-2222-4333-8444-555555555555",
  primary: "n1",
  health: "healthy",
  agentTokens: wireSecret({ n1: "a", n2: "b" }),
};

describe("Registration", () => {
  it.each([
    ["nothing", {}, { changes: false, replaces: [] }],
    ["the endpoint", { endpointHost: "10.0.0.20" }, { changes: true, replaces: [] }],
    [
      "a node address",
      { nodes: [inputs.nodes[0], { ...inputs.nodes[1], address: "10.0.0.13" }] },
      { changes: true, replaces: [] },
    ],
    ["the admin password", { adminPassword: wireSecret("new") }, { changes: true, replaces: [] }],
    ["the name", { name: "orders2" }, { changes: true, replaces: ["name"] }],
    ["an unknown name (preview)", { name: UNKNOWN_VALUE }, { changes: true, replaces: ["name"] }],
  ])("diff: %s", async (_case, change, expected) => {
    const diff = await registrationHandler.diff(state.pairId, state, { ...inputs, ...change });
    expect({ changes: diff.changes, replaces: diff.replaces }).toEqual(expected);
  });

  it("check defaults the admin role and names every bad input", async () => {
    const result = await registrationHandler.check(
      {},
      { ...inputs, endpointPort: 0, witness: { name: "W" } },
    );
    expect((result.inputs as Record<string, unknown>).adminUsername).toBe("pgaas_admin");
    expect(result.failures?.map((failure) => failure.property)).toEqual([
      "endpointPort",
      "witness.name",
      "witness.address",
    ]);
  });

  it("refuses to run without the control plane configured, naming the config keys", async () => {
    const ctx = recordingContext().context;
    await expect(
      registrationHandler.create({ ...inputs, adminUsername: "pgaas_admin" }, ctx),
    ).rejects.toThrow(
      "Registration orders needs the control plane: set pgaas:controlPlaneUrl and pgaas:apiToken",
    );
  });
});
