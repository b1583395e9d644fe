// Pure: report arithmetic: bucket sizes, per-bucket figures from the primary, degraded periods.
import { describe, expect, it } from "vitest";
import { bucketSeconds, databasePoints, degradedPeriods } from "../src/services/report-math.js";
import { reportCsv } from "../src/services/report-render.js";

describe("reports", () => {
  it("chooses round buckets: a minute for an hour, an hour for a week, whole hours on roll-ups", () => {
    expect([
      bucketSeconds(0, 3600_000),
      bucketSeconds(0, 86_400_000),
      bucketSeconds(0, 7 * 86_400_000),
      bucketSeconds(0, 30 * 86_400_000),
      bucketSeconds(0, 3600_000, true),
    ]).toEqual([60, 600, 3600, 21_600, 3600]);
  });

  it("takes the primary's numbers per bucket (most commits) and sums databases", () => {
    const bucket = new Date("2026-11-29T22:00:00.000Z");
    const base = {
      bucket,
      sizeBytes: 100,
      connections: 2,
      rollbacks: 0,
      blksRead: 1,
      blksHit: 3,
      deadlocks: 0,
      tempBytes: 0,
      seconds: 60,
    };
    const points = databasePoints(
      [
        { ...base, nodeId: "primary", database: "a", commits: 120 },
        { ...base, nodeId: "standby", database: "a", commits: 0, connections: 9 },
        { ...base, nodeId: "primary", database: "b", commits: 60 },
      ],
      [{ bucket, writable: true, lagBytes: 10, lagSeconds: 0.5 }],
    );
    expect(points).toEqual([
      {
        at: "2026-11-29T22:00:00.000Z",
        sizeBytes: 200,
        connections: 4,
        commitsPerSecond: 3,
        rollbacksPerSecond: 0,
        cacheHitRatio: 0.75,
        deadlocks: 0,
        tempBytes: 0,
        lagBytes: 10,
        lagSeconds: 0.5,
      },
    ]);
    expect(
      reportCsv({
        subject: { kind: "pair", id: "00000000-0000-4000-8000-000000000000", name: "x" },
        from: "",
        to: "",
        bucketSeconds: 60,
        points,
        summary: {} as never,
      }),
    ).toBe(
      "at,sizeBytes,connections,commitsPerSecond,rollbacksPerSecond,cacheHitRatio,deadlocks,tempBytes,lagBytes,lagSeconds\n2026-11-29T22:00:00.000Z,200,4,3,0,0.75,0,0,10,0.5\n",
    );
  });

  it("joins degraded samples into periods", () => {
    const at = (s: number) => new Date(s * 1000);
    expect(
      degradedPeriods([
        { at: at(0), degraded: false },
        { at: at(10), degraded: true },
        { at: at(20), degraded: true },
        { at: at(30), degraded: false },
        { at: at(40), degraded: true },
      ]),
    ).toEqual([
      { from: "1970-01-01T00:00:10.000Z", to: "1970-01-01T00:00:30.000Z" },
      { from: "1970-01-01T00:00:40.000Z", to: "1970-01-01T00:00:40.000Z" },
    ]);
  });
});
