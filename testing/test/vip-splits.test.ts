// vipSplits: one sample with two holders is a handover caught mid-flight; two in a row are a split.
import { describe, expect, it } from "vitest";
import { type VipSample, vipSplits } from "../src/vip-watch.js";

const sample = (at: number, ...holders: string[]): VipSample => ({ at, holders });

describe("vipSplits", () => {
  it("ignores a single sample with two holders between single holders", () => {
    expect(vipSplits([sample(0, "n1"), sample(200, "n1", "n2"), sample(400, "n2")])).toEqual([]);
  });

  it("returns every run of two or more consecutive samples with two holders, also at the end", () => {
    const samples = [
      sample(0, "n1"),
      sample(200, "n1", "n2"),
      sample(400, "n1", "n2"),
      sample(600, "n2"),
      sample(800, "n1", "n2"),
      sample(1000),
      sample(1200, "n1", "n2"),
      sample(1400, "n1", "n2"),
      sample(1600, "n1", "n2"),
    ];
    expect(vipSplits(samples)).toEqual([
      [samples[1], samples[2]],
      [samples[6], samples[7], samples[8]],
    ]);
  });

  it("finds nothing in no samples", () => {
    expect(vipSplits([])).toEqual([]);
  });
});
