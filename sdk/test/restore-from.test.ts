// PostgresPair's restoreFrom: a new pair seeded from another pair's repository reaches the engine's
// spec in PairConfiguration unchanged, with the source's key kept secret.
import { beforeAll, describe, expect, it } from "vitest";
import {
  constructPair,
  isSecretInput,
  type MockRegistry,
  unwrapSecretInput,
} from "./support/pulumi-mocks.js";

describe("PostgresPair restored from another pair's repository", () => {
  let registry: MockRegistry;

  beforeAll(async () => {
    ({ registry } = await constructPair("orders2", {
      clientCidrs: ["10.231.60.0/24"],
      local: { subnet: "10.231.60.0/24", prefix: "pgl" },
      register: false,
      backup: { repository: { kind: "local" } },
      restoreFrom: {
        repository: { kind: "local" },
        stanza: "orders",
        time: "2026-12-07T06:15:00Z",
        cipherPass: "source-cipher-pass",
      },
    }));
  });

  /** The engine's spec as PairConfiguration receives it, secret wrappers removed at every level. */
  function receivedSpec(): Record<string, unknown> {
    const unwrap = (value: unknown): unknown => {
      const inner = unwrapSecretInput(value);
      if (typeof inner !== "object" || inner === null || Array.isArray(inner)) return inner;
      return Object.fromEntries(Object.entries(inner).map(([key, v]) => [key, unwrap(v)]));
    };
    return unwrap(
      registry.named("pgaas:index:PairConfiguration", "orders2-configuration").inputs.spec,
    ) as Record<string, unknown>;
  }

  it("passes restoreFrom into the pair spec next to the pair's own repository", () => {
    const spec = receivedSpec();
    expect(spec.backup).toEqual({ repository: { kind: "local" } });
    expect(spec.restoreFrom).toEqual({
      repository: { kind: "local" },
      stanza: "orders",
      time: "2026-12-07T06:15:00Z",
      cipherPass: "source-cipher-pass",
    });
  });

  it("keeps the source's key secret (the spec carrying it is a secret input)", () => {
    const spec = registry.named("pgaas:index:PairConfiguration", "orders2-configuration").inputs
      .spec as Record<string, unknown>;
    const restoreFrom = unwrapSecretInput(spec) as { restoreFrom: { cipherPass: unknown } };
    expect(isSecretInput(spec) || isSecretInput(restoreFrom.restoreFrom.cipherPass)).toBe(true);
  });
});
