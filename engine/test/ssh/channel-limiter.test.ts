import { describe, expect, it } from "vitest";
import { ChannelLimiter } from "../../src/ssh/channel-limiter.js";

describe("ChannelLimiter", () => {
  it("never runs more than the limit at once, runs everything, and frees slots after failures", async () => {
    const limiter = new ChannelLimiter(3);
    let active = 0;
    let peak = 0;
    const task = (index: number) =>
      limiter.run(async () => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 5));
        active -= 1;
        if (index % 4 === 0) throw new Error(`task ${index} failed`);
        return index;
      });
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, index) => task(index)));
    expect(peak).toBe(3);
    expect(results.filter((result) => result.status === "fulfilled").map((result) => result.value)).toEqual([
      1, 2, 3, 5, 6, 7, 9, 10, 11,
    ]);
    expect(results.filter((result) => result.status === "rejected")).toHaveLength(3);
    expect(await limiter.run(async () => "after")).toBe("after");
  });
});
