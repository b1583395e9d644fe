import type { Database } from "@pgaas/api";
import { describe, expect, it } from "vitest";
import { matchesSearch } from "../src/features/databases/search.js";
import { summaryRows } from "../src/features/reports/summary.js";
import { expiryDateToIso, utcInputToIso } from "../src/lib/expiry.js";

const database = { name: "shop", owner: "shop_owner", pairName: "Demo-Pair" } as Database;

describe("matchesSearch", () => {
  it("matches name, owner or pair, ignoring case and spaces around", () => {
    expect(matchesSearch(database, "")).toBe(true);
    expect(matchesSearch(database, " SHO ")).toBe(true);
    expect(matchesSearch(database, "owner")).toBe(true);
    expect(matchesSearch(database, "demo-pair")).toBe(true);
    expect(matchesSearch(database, "orders")).toBe(false);
  });
});

describe("summaryRows", () => {
  it("prints every summary figure in order, with the degraded time in total", () => {
    expect(
      summaryRows({
        sizeGrowthBytes: 1_048_576,
        maxConnections: 12,
        commitsPerSecond: 3.456,
        rollbacksPerSecond: 0,
        cacheHitRatio: 0.9912,
        deadlocks: 0,
        tempBytes: null,
        maxLagBytes: 2048,
        maxLagSeconds: 0.25,
        uptimeRatio: 1 - 30 / 86_400,
        outages: [
          { from: "2026-11-29T20:00:00Z", to: "2026-11-29T20:00:20Z", downSeconds: 20 },
          { from: "2026-11-29T22:00:00Z", to: "2026-11-29T23:00:00Z", downSeconds: 10 },
        ],
        failovers: 1,
        degradedPeriods: [
          { from: "2026-11-29T21:00:00Z", to: "2026-11-29T21:00:04Z" },
          { from: "2026-11-29T21:30:00Z", to: "2026-11-29T21:30:01.500Z" },
        ],
      }),
    ).toEqual([
      // 99.965… % rounded down: 30 s of outage never shows as 100 %.
      ["Uptime", "99.96 %"],
      ["Outages", "2, 30.0 s down"],
      ["Failovers", "1"],
      ["Degraded periods", "2, 5.5 s in total"],
      ["Size growth", "1.00 MiB"],
      ["Peak connections", "12"],
      ["Commits per second (mean)", "3.46"],
      ["Rollbacks per second (mean)", "0.00"],
      ["Cache hit ratio (mean)", "99.1 %"],
      ["Deadlocks", "0"],
      ["Temporary files", "—"],
      ["Peak replication lag", "2.00 KiB / 0.3 s"],
    ]);
  });
});

describe("expiry inputs", () => {
  it("turns a date into the end of that day in UTC", () => {
    expect(expiryDateToIso("2030-01-31")).toBe("2030-01-31T23:59:59Z");
    expect(expiryDateToIso(" ")).toBeUndefined();
  });

  it("reads a datetime-local value in UTC, whatever the browser's zone", () => {
    const zone = process.env.TZ;
    process.env.TZ = "America/New_York";
    try {
      expect(utcInputToIso("2030-01-31T12:00")).toBe("2030-01-31T12:00:00.000Z");
      expect(utcInputToIso(" 2030-07-01T23:59:30 ")).toBe("2030-07-01T23:59:30.000Z");
    } finally {
      if (zone === undefined) Reflect.deleteProperty(process.env, "TZ");
      else process.env.TZ = zone;
    }
    expect(utcInputToIso("")).toBeUndefined();
    expect(utcInputToIso("not a date")).toBe("not a date");
  });
});
