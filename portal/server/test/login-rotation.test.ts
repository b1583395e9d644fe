// Pure: the two login slots of a grant or an owner, and the overlap of a rotation.
import { describe, expect, it } from "vitest";
import { accessRoleName } from "../src/services/access.js";
import { overlapEnd, rotatedRoleName } from "../src/services/login-rotation.js";

describe("login rotation", () => {
  it("alternates a grant's two role slots, the longest within 63 characters", () => {
    const base = accessRoleName("d".repeat(63), "read_write", "abcdef12-0000-4000-8000-000000000000");
    expect(rotatedRoleName(base, base)).toBe(`${base}_b`);
    expect(rotatedRoleName(base, `${base}_b`)).toBe(base);
    expect(rotatedRoleName(base, base).length).toBe(60);
    // An owner role may use all 63 characters: its second slot stays within them.
    const owner = "o".repeat(63);
    expect(rotatedRoleName(owner, owner)).toBe(`${"o".repeat(61)}_b`);
    expect(rotatedRoleName(owner, `${"o".repeat(61)}_b`)).toBe(owner);
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
