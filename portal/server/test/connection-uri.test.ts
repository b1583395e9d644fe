// Pure: connection URIs with encoded parts, verify-full with a CA, and names that fit PostgreSQL.
import { buildPath } from "@pgaas/api";
import { Secret } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { accessRoleName } from "../src/services/access.js";
import { connectionUri } from "../src/services/databases.js";

describe("secrets and tokens", () => {
  it("builds connection URIs with encoded parts, verify-full with a CA, and role names within 63 characters", () => {
    expect(connectionUri("fd00::1", 5432, "o'wner", new Secret("p@ss/word"), "shop", null)).toBe(
      "postgresql://o'wner:p%40ss%2Fword@[fd00::1]:5432/shop",
    );
    expect(
      connectionUri("10.0.0.10", 5432, "shop", new Secret("pw"), "shop", "-----BEGIN CERTIFICATE-----"),
    ).toBe("postgresql://shop:pw@10.0.0.10:5432/shop?sslmode=verify-full");
    // Without a password: the URI a page shows (the password was shown once).
    expect(connectionUri("fd00::10", 6432, "a b", null, "shop", "-----BEGIN CERTIFICATE-----")).toBe(
      "postgresql://a%20b@[fd00::10]:6432/shop?sslmode=verify-full",
    );
    expect(accessRoleName("d".repeat(63), "read_write", "abcdef12-0000-4000-8000-000000000000")).toHaveLength(
      58,
    );
    expect(buildPath("/v1/pairs/:id/events", { id: "a/b" })).toBe("/v1/pairs/a%2Fb/events");
  });
});
