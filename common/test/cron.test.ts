import { describe, expect, it } from "vitest";
import { lastDueMinute, parseCron } from "../src/wire/cron.js";

const at = (iso: string) => new Date(iso);

describe("cron", () => {
  it("matches the spec's defaults: full on Sunday 01:00, differential Monday to Saturday 01:00 (UTC)", () => {
    const full = parseCron("0 1 * * 0");
    const diff = parseCron("0 1 * * 1-6");
    // 2026-12-06 is a Sunday.
    expect([full.matches(at("2026-12-06T01:00:00Z")), diff.matches(at("2026-12-06T01:00:00Z"))]).toEqual([
      true,
      false,
    ]);
    expect([full.matches(at("2026-12-07T01:00:00Z")), diff.matches(at("2026-12-07T01:00:00Z"))]).toEqual([
      false,
      true,
    ]);
    expect(full.matches(at("2026-12-06T01:01:00Z"))).toBe(false);
  });

  it("reads steps, lists, Sunday as 7, and either day field when both are restricted", () => {
    expect(parseCron("*/15 * * * *").matches(at("2026-12-06T10:45:00Z"))).toBe(true);
    expect(parseCron("*/15 * * * *").matches(at("2026-12-06T10:50:00Z"))).toBe(false);
    expect(parseCron("0 2,14 * * 7").matches(at("2026-12-06T14:00:00Z"))).toBe(true);
    expect(parseCron("0 0 1 * 1").matches(at("2026-12-07T00:00:00Z"))).toBe(true);
    expect(parseCron("0 0 1 * 1").matches(at("2026-12-01T00:00:00Z"))).toBe(true);
    expect(parseCron("0 0 1 * 1").matches(at("2026-12-02T00:00:00Z"))).toBe(false);
    expect(() => parseCron("0 25 * * *")).toThrow("cron field 25 is outside 0-23");
    expect(() => parseCron("0 1 * *")).toThrow("not a five-field cron schedule: 0 1 * *");
  });

  it("finds the newest due minute after a time, or none", () => {
    const full = parseCron("0 1 * * 0");
    expect(lastDueMinute(full, at("2026-12-01T00:00:00Z"), at("2026-12-06T01:00:30Z"))).toEqual(
      at("2026-12-06T01:00:00Z"),
    );
    expect(lastDueMinute(full, at("2026-12-06T01:00:00Z"), at("2026-12-06T09:00:00Z"))).toBeNull();
  });
});
