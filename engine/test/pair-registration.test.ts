import { describe, expect, it } from "vitest";
import { parsePairSpec } from "../src/index.js";
import { pairRegistration } from "../src/pair-registration.js";
import { SECRETS, SPEC, SPEC_INPUT } from "./fixtures.js";

describe("pairRegistration", () => {
  it("tells the control plane the endpoint, the pooler's port, the nodes' agents, the witness and the admin login", () => {
    expect(pairRegistration(SPEC, SECRETS)).toEqual({
      name: "orders",
      endpoint: { host: "10.40.0.100", port: 5432, poolerPort: 6432 },
      nodes: [
        { name: "n1", address: "10.40.0.11", port: 5432, agentPort: 9187 },
        { name: "n2", address: "10.40.0.12", port: 5432, agentPort: 9187 },
      ],
      witness: { name: "w", address: "10.40.1.5" },
      admin: {
        username: "pgaas_admin",
        password: "admin-secret-3",
        caCertificate: SECRETS.tlsCa?.certificate,
      },
    });
  });

  it("names no pooler port when the spec runs no pooler", () => {
    const spec = parsePairSpec({ ...SPEC_INPUT, pooler: { enabled: false } });
    expect(pairRegistration(spec, SECRETS).endpoint).toEqual({ host: "10.40.0.100", port: 5432 });
  });
});
