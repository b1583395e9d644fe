import { describe, expect, it } from "vitest";
import { niceTicks, timeLabel, timeTicks } from "../src/components/chart-scale.js";

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

describe("timeTicks and timeLabel", () => {
  it("spreads ticks evenly including both ends", () => {
    expect(timeTicks(0, 400, 4)).toEqual([0, 100, 200, 300, 400]);
    expect(timeTicks(5, 5)).toEqual([5]);
  });

  it("always shows the date, and seconds for short spans", () => {
    const instant = Date.parse("2026-11-29T21:40:05Z");
    expect(timeLabel(instant, 120_000)).toBe("11-29 21:40:05");
    expect(timeLabel(instant, 3_600_000)).toBe("11-29 21:40");
    expect(timeLabel(instant, 7 * 86_400_000)).toBe("11-29 21:40");
  });
});
