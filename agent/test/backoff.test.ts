import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../src/backoff.js";

describe("backoff", () => {
  it("doubles from 0.5 s up to 15 s, with half of each delay random", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map((n) => backoffDelayMs(n, () => 0))).toEqual([
      250, 500, 1000, 2000, 4000, 7500, 7500, 7500,
    ]);
    expect([1, 2, 6, 10].map((n) => backoffDelayMs(n, () => 0.999999))).toEqual([500, 1000, 15000, 15000]);
  });
});
