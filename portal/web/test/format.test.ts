import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatExpiry,
  formatNumber,
  formatPercent,
} from "../src/lib/format.js";

describe("formatBytes", () => {
  it.each([
    [null, "—"],
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.00 KiB"],
    [15_360, "15.0 KiB"],
    [7_634_944, "7.28 MiB"],
    [209_715_200, "200 MiB"],
    [-2048, "-2.00 KiB"],
  ])("%s → %s", (input, expected) => {
    expect(formatBytes(input)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [undefined, "—"],
    [850, "850 ms"],
    [3400, "3.4 s"],
    [125_000, "2 min 05 s"],
    [3_720_000, "1 h 02 min"],
  ])("%s → %s", (input, expected) => {
    expect(formatDuration(input)).toBe(expected);
  });
});

describe("formatDateTime and formatAge", () => {
  it("prints UTC to the second", () => {
    expect(formatDateTime("2026-11-29T21:40:05.123+01:00")).toBe("2026-11-29 20:40:05 UTC");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("not a date");
  });

  it("says how long ago", () => {
    const now = Date.parse("2026-11-29T12:00:00Z");
    expect(formatAge("2026-11-29T11:59:55Z", now)).toBe("5 s ago");
    expect(formatAge("2026-11-29T11:57:00Z", now)).toBe("3 min ago");
    expect(formatAge("2026-11-29T10:00:00Z", now)).toBe("2 h ago");
    expect(formatAge("2026-11-25T12:00:00Z", now)).toBe("4 d ago");
    expect(formatAge(null, now)).toBe("never");
  });
});

describe("formatNumber and formatPercent", () => {
  it("groups thousands only in the whole part", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(1234.5678, 3)).toBe("1,234.568");
    expect(formatNumber(-9876.5, 1)).toBe("-9,876.5");
    expect(formatNumber(Number.NaN)).toBe("—");
  });

  it("prints a ratio as a percentage", () => {
    expect(formatPercent(0.98765)).toBe("98.8 %");
    expect(formatPercent(null)).toBe("—");
  });
});

describe("formatExpiry", () => {
  it("says never for open-ended grants and nothing before a grant", () => {
    expect(formatExpiry("2030-01-31T12:00:00Z", true)).toBe("2030-01-31 12:00:00 UTC");
    expect(formatExpiry(null, true)).toBe("never");
    expect(formatExpiry(null, false)).toBe("—");
  });
});
