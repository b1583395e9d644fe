// Pure: a grant's two role slots and the overlap of a rotation.
import { describe, expect, it } from "vitest";
import { accessRoleName, overlapEnd, rotatedRoleName } from "../src/services/access.js";

describe("secrets and tokens", () => {
  it("alternates a grant's two role slots, the longest within 63 characters", () => {
    const base = accessRoleName("d".repeat(63), "read_write", "abcdef12-0000-4000-8000-000000000000");
    expect(rotatedRoleName(base, base)).toBe(`${base}_b`);
    expect(rotatedRoleName(base, `${base}_b`)).toBe(base);
    expect(rotatedRoleName(base, base).length).toBe(60);
  });

  it("ends the overlap after its minutes, never past the grant's expiry", () => {
    const now = new Date("2026-12-01T10:00:00.000Z");
    expect(overlapEnd(now, 60, null).toISOString()).toBe("2026-12-01T11:00:00.000Z");
    expect(overlapEnd(now, 0, null).toISOString()).toBe("2026-12-01T10:00:00.000Z");
    const expiry = new Date("2026-12-01T10:30:00.000Z");
    expect(overlapEnd(now, 60, expiry).toISOString()).toBe("2026-12-01T10:30:00.000Z");
    expect(overlapEnd(now, 10, expiry).toISOString()).toBe("2026-12-01T10:10:00.000Z");
  });
});
