// Construct's boundary: only the schema's component types, only the inputs the schema declares. What
// Construct builds is proven through the test engine (test/e2e/pulumi-construct*.test.ts).
import type { Logger } from "@pgaas/common";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { PgaasProvider } from "../../src/plugin/provider.js";

const silent: Logger = {
  info: () => {},
  warn: () => {},
  error: () => {},
  debug: () => {},
  child: () => silent,
};

describe("PgaasProvider.construct", () => {
  const provider = new PgaasProvider({ log: silent });

  it("refuses a type that is not one of its components", async () => {
    await expect(provider.construct("x", "pgaas:index:Database", {}, {})).rejects.toThrow(
      "pgaas provider has no component type pgaas:index:Database",
    );
  });

  it("refuses inputs the schema does not declare, naming each", async () => {
    const failure = await provider
      .construct("app", "pgaas:components:Database", { pairId: "p1", existingId: "d1", bogus: 1 }, {})
      .catch((error: unknown) => error);
    expect(pulumi.InputPropertiesError.isInstance(failure)).toBe(true);
    expect((failure as pulumi.InputPropertiesError).errors).toEqual([
      { propertyPath: "existingId", reason: "is not an input of pgaas:components:Database" },
      { propertyPath: "bogus", reason: "is not an input of pgaas:components:Database" },
    ]);
    expect((failure as Error).message).toBe(
      "pgaas:components:Database app has no input existingId, bogus (its inputs: pairId, name, owner, settings, connectionLimit, deletionProtection)",
    );
  });
});
