import type { Report } from "@pgaas/api";
import { describe, expect, it } from "vitest";
import { axisStart, reportSeries } from "../src/components/ReportCharts.js";
import { emptyReport } from "./support/fixtures.js";

const point = (at: string, commits: number | null) => ({
  at,
  sizeBytes: 8192,
  connections: 1,
  commitsPerSecond: commits,
  rollbacksPerSecond: 0,
  cacheHitRatio: 0.99,
  deadlocks: 0,
  tempBytes: 0,
  lagBytes: null,
  lagSeconds: null,
});

const report = (points: Report["points"]): Report => ({
  ...emptyReport(
    "database",
    "6f1c1d7e-9a51-4c4e-9a3e-3a1a6a0f5b10",
    "shop",
    "2026-11-29T21:00:00.000Z",
    "2026-11-29T22:00:00.000Z",
  ),
  points,
});

describe("reportSeries", () => {
  it("maps a metric's fields to chart series, keeping gaps", () => {
    const r = report([point("2026-11-29T21:50:00.000Z", null), point("2026-11-29T21:51:00.000Z", 2.5)]);
    expect(reportSeries(r, "tps")).toEqual([
      {
        name: "commits/s",
        points: [
          { t: Date.parse("2026-11-29T21:50:00Z"), v: null },
          { t: Date.parse("2026-11-29T21:51:00Z"), v: 2.5 },
        ],
      },
      {
        name: "rollbacks/s",
        points: [
          { t: Date.parse("2026-11-29T21:50:00Z"), v: 0 },
          { t: Date.parse("2026-11-29T21:51:00Z"), v: 0 },
        ],
      },
    ]);
  });
});

describe("axisStart", () => {
  it("starts at the first point when data begins after the range", () => {
    expect(axisStart(report([point("2026-11-29T21:50:00.000Z", 1)]))).toBe(
      Date.parse("2026-11-29T21:50:00Z"),
    );
  });

  it("starts at the range without data, and at the bucket holding the range's start", () => {
    expect(axisStart(report([]))).toBe(Date.parse("2026-11-29T21:00:00Z"));
    expect(axisStart(report([point("2026-11-29T20:59:00.000Z", 1)]))).toBe(
      Date.parse("2026-11-29T20:59:00Z"),
    );
  });
});
