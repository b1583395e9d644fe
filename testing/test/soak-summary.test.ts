// The soak's pure parts: the seeded random source replays a run, and the table and RESULT line say
// exactly what happened (unhealed faults count, but have no heal time).
import { describe, expect, it } from "vitest";
import type { SoakResult } from "../src/soak/run-soak.js";
import { seededRandom } from "../src/soak/seeded-random.js";
import { soakResultLine, soakTable } from "../src/soak/soak-summary.js";

describe("seededRandom", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random.between(5_000, 20_000));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
    for (const value of draw(7)) {
      expect(value).toBeGreaterThanOrEqual(5_000);
      expect(value).toBeLessThanOrEqual(20_000);
    }
  });

  it("picks only from the list and refuses an empty one", () => {
    const random = seededRandom(1);
    const picks = new Set(Array.from({ length: 200 }, () => random.pick(["a", "b", "c"])));
    expect([...picks].sort()).toEqual(["a", "b", "c"]);
    expect(() => random.pick([])).toThrow(RangeError);
  });
});

describe("soak summary", () => {
  const result: SoakResult = {
    seed: 9,
    faults: [
      { kind: "kill_primary", what: "", outageS: 5, healS: 20 },
      { kind: "kill_primary", what: "", outageS: 7, healS: 30 },
      { kind: "partition", what: "", outageS: 1, healS: null },
    ],
    ackedRows: 100,
    lost: [],
    dual: [],
    unhealed: 1,
    evidence: [],
  };

  it("has one row per fault kind with min / median / max", () => {
    expect(soakTable(result).split("\n")).toEqual([
      "| fault | count | write outage min / median / max (s) | back to healthy min / median / max (s) |",
      "|---|---|---|---|",
      "| kill_primary | 2 | 5.0 / 7.0 / 7.0 | 20.0 / 30.0 / 30.0 |",
      "| partition | 1 | 1.0 / 1.0 / 1.0 | – |",
    ]);
  });

  it("ends with the RESULT line", () => {
    expect(soakResultLine(result)).toBe(
      "RESULT faults=3 lost=0 dual=0 unhealed=1 outage_median_s=5.0 heal_median_s=30.0 seed=9",
    );
  });
});

describe("seededRandom.shuffle", () => {
  it("returns every item once, in an order the seed decides", () => {
    const kinds = ["a", "b", "c", "d", "e", "f", "g"];
    expect(seededRandom(5).shuffle(kinds).sort()).toEqual(kinds);
    expect(seededRandom(5).shuffle(kinds)).toEqual(seededRandom(5).shuffle(kinds));
  });
});
