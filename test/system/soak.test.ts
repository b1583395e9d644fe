// The chaos soak, short: the same soak as `npm run soak` on a real pair with agents and the control
// plane, with exactly three faults (kill -9 of the standby while both nodes are on one timeline,
// kill -9 of the primary, an n1↔n2 partition). No acknowledged row lost, never two writable primaries, every fault healed by the pair
// itself. Needs root (network namespaces).
import { runSoak, soakResultLine, soakTable } from "@pgaas/testing/soak";
import { describe, expect, it } from "vitest";

describe("chaos soak (short)", () => {
  it("heals kill -9 of the standby, kill -9 of the primary and a partition on its own, losing nothing", async () => {
    const seed = Math.floor(Math.random() * 2 ** 31);
    const result = await runSoak({
      range: { prefix: "psk", first: "10.231.200.0/24", count: 4 },
      seed,
      durationMs: 240_000,
      maxFaults: 3,
      sequence: ["kill_standby", "kill_primary", "partition"],
      gapMs: { min: 2_000, max: 5_000 },
      holdMs: 15_000,
      healTimeoutMs: 120_000,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    process.stdout.write(`${soakTable(result)}\n${soakResultLine(result)}\n`);
    expect(result.faults.map((f) => f.kind)).toEqual(["kill_standby", "kill_primary", "partition"]);
    expect(result.lost).toEqual([]);
    expect(result.dual).toEqual([]);
    expect(result.unhealed).toBe(0);
    expect(result.ackedRows).toBeGreaterThan(100);
  }, 290_000);
});
