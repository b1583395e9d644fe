import { describe, expect, it } from "vitest";
import {
  byteTicks,
  niceTicks,
  timeLabel,
  timeTicks,
  trimZeros,
  valueGaps,
  valueRuns,
} from "../src/chart-scale.js";

describe("niceTicks", () => {
  it("starts at zero and ends on a round number above the maximum", () => {
    expect(niceTicks(3, 87)).toEqual([0, 25, 50, 75, 100]);
    expect(niceTicks(0, 0.97)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0, 7_000_000)).toEqual([0, 2_000_000, 4_000_000, 6_000_000, 8_000_000]);
  });

  it("includes negative minimums", () => {
    expect(niceTicks(-10, 30)).toEqual([-10, 0, 10, 20, 30]);
  });

  it("keeps whole steps for counts", () => {
    expect(niceTicks(0, 1, { integer: true })).toEqual([0, 1]);
    expect(niceTicks(0, 3, { integer: true })).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("gives a unit axis for an all-zero series", () => {
    expect(niceTicks(0, 0)).toEqual([0, 1]);
  });
});

describe("byteTicks", () => {
  it("steps in round numbers of the binary unit, not of decimal bytes", () => {
    const mib = 1024 * 1024;
    // The tester's axis read 2.38 / 4.77 / 7.15 MiB (decimal steps of 2.5 MB).
    expect(byteTicks(0, 7.2 * mib)).toEqual([0, 2 * mib, 4 * mib, 6 * mib, 8 * mib]);
    expect(byteTicks(0, 3000)).toEqual([0, 1024, 2048, 3072]);
    expect(byteTicks(0, 700)).toEqual([0, 200, 400, 600, 800]);
    expect(byteTicks(0, 0)).toEqual([0, 1]);
  });
});

describe("timeTicks and timeLabel", () => {
  it("puts ticks on round UTC instants inside the span", () => {
    const at = (iso: string) => Date.parse(iso);
    expect(
      timeTicks(at("2026-11-29T10:07:00Z"), at("2026-11-29T11:07:00Z")).map((t) => new Date(t).toISOString()),
    ).toEqual([
      "2026-11-29T10:15:00.000Z",
      "2026-11-29T10:30:00.000Z",
      "2026-11-29T10:45:00.000Z",
      "2026-11-29T11:00:00.000Z",
    ]);
    expect(
      timeTicks(at("2026-11-22T09:13:00Z"), at("2026-11-29T09:13:00Z")).map((t) => new Date(t).toISOString()),
    ).toEqual([
      "2026-11-23T00:00:00.000Z",
      "2026-11-25T00:00:00.000Z",
      "2026-11-27T00:00:00.000Z",
      "2026-11-29T00:00:00.000Z",
    ]);
    expect(timeTicks(5, 5)).toEqual([5]);
    expect(timeTicks(1000, 20_000)).toEqual([1000, 20_000]);
  });

  it("always shows the date, and seconds for short spans", () => {
    const instant = Date.parse("2026-11-29T21:40:05Z");
    expect(timeLabel(instant, 120_000)).toBe("11-29 21:40:05");
    expect(timeLabel(instant, 3_600_000)).toBe("11-29 21:40");
    expect(timeLabel(instant, 7 * 86_400_000)).toBe("11-29 21:40");
  });

  it("reads round ticks round", () => {
    expect(["2.00 MiB", "0.50", "99.0 %", "1.25 s", "10", "0 B"].map(trimZeros)).toEqual([
      "2 MiB",
      "0.5",
      "99 %",
      "1.25 s",
      "10",
      "0 B",
    ]);
  });
});

describe("valueRuns and valueGaps", () => {
  const values = [
    { t: 0, v: 1 },
    { t: 60, v: 2 },
    { t: 120, v: null },
    { t: 180, v: 4 },
    { t: 600, v: 5 },
  ];

  it("breaks the line at a missing value and at missing buckets", () => {
    expect(valueRuns(values, 60)).toEqual([
      [
        { t: 0, v: 1 },
        { t: 60, v: 2 },
      ],
      [{ t: 180, v: 4 }],
      [{ t: 600, v: 5 }],
    ]);
  });

  it("names every stretch without a value, at the ends too", () => {
    expect(valueGaps(values, -30, 720, 60)).toEqual([
      { from: -30, to: 0 },
      { from: 120, to: 180 },
      { from: 240, to: 600 },
      { from: 660, to: 720 },
    ]);
    expect(valueGaps([], 0, 100, 60)).toEqual([{ from: 0, to: 100 }]);
  });
});
