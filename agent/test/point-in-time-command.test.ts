// The agent's part in a look at the pair as of a point in time: a `describe_point_in_time` command runs
// on a primary or a standby (told which, so the standby asks the primary for the WAL push), its
// outcome is the describer's (the engine's look on this host, exercised for real by
// test/system/point-in-time-api.test.ts), and every refusal starts with a stable code.
import {
  type AgentCommand,
  AgentCommand as AgentCommandSchema,
  type PointInTimeParameters,
  parsePointInTimeMessage,
  pointInTimeMessage,
} from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import type { PointInTimeDescriber } from "../src/backup/point-in-time-describer.js";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { MemoryRepmgr } from "./support/fakes.js";

const START = Date.parse("2026-12-07T03:00:00.000Z");
const LOOK: AgentCommand = {
  id: "7d2e5c6a-3f4b-4a8c-9d0e-9f8a7b6c5d4e",
  type: "describe_point_in_time",
  requestedAt: "2026-12-07T02:59:59.000Z",
  pointInTime: { time: "2026-12-07T02:00:00.000Z" },
};

function recordingDescriber(outcome: { ok: boolean; message: string }) {
  const calls: Array<[PointInTimeParameters, string]> = [];
  const describer: PointInTimeDescriber = {
    async describe(parameters, role) {
      calls.push([parameters, role]);
      return outcome;
    },
  };
  return { describer, calls };
}

function runner(describer: PointInTimeDescriber | null) {
  return repmgrCommandRunner(new MemoryRepmgr(), { clock: () => START, describer });
}

describe("describe_point_in_time command", () => {
  it("is a command the control plane may send, with a time or a backup label", () => {
    expect(AgentCommandSchema.parse(LOOK)).toEqual(LOOK);
    const byLabel = { ...LOOK, pointInTime: { backup: "20261207-010000F" } };
    expect(AgentCommandSchema.parse(byLabel)).toEqual(byLabel);
    expect(
      AgentCommandSchema.safeParse({ ...LOOK, pointInTime: { time: "2026-12-07 02:00:00" } }).success,
    ).toBe(false);
  });

  it("runs on the standby or the primary and reports the describer's outcome", async () => {
    const figures = pointInTimeMessage({
      databases: [{ name: "app", owner: "app_owner", sizeBytes: 7_500_000, rowEstimate: 200 }],
      durationMs: 9100,
    });
    const ok = recordingDescriber({ ok: true, message: figures });
    const onStandby = await runner(ok.describer).run(LOOK, "standby");
    const onPrimary = await runner(ok.describer).run({ ...LOOK, pointInTime: undefined }, "primary");
    expect([onStandby.outcome, onStandby.message, onPrimary.outcome]).toEqual([
      "succeeded",
      figures,
      "succeeded",
    ]);
    expect(ok.calls).toEqual([
      [{ time: "2026-12-07T02:00:00.000Z" }, "standby"],
      [{}, "primary"],
    ]);
    expect(parsePointInTimeMessage(onStandby.message)).toEqual({
      databaseCount: 1,
      databases: [{ name: "app", owner: "app_owner", sizeBytes: 7_500_000, rowEstimate: 200 }],
      durationMs: 9100,
    });
    const failed = recordingDescriber({
      ok: false,
      message: "restore_time_in_future: 2030-01-01T00:00:00.000Z is in the future",
    });
    const failing = await runner(failed.describer).run(LOOK, "standby");
    expect([failing.outcome, failing.message]).toEqual([
      "failed",
      "restore_time_in_future: 2030-01-01T00:00:00.000Z is in the future",
    ]);
  });

  it("refuses with a stable code without backups and on a node that is down", async () => {
    const { describer, calls } = recordingDescriber({ ok: true, message: "described" });
    const without = await runner(null).run(LOOK, "standby");
    const down = await runner(describer).run(LOOK, "down");
    expect([without.outcome, without.message, down.outcome, down.message, calls.length]).toEqual([
      "failed",
      "no_backups_configured: this pair has no backups configured",
      "failed",
      "node_not_ready: looks at a point in time run on a primary or standby; this node is down",
      0,
    ]);
  });

  it("keeps the figures of as many databases as fit in a command result, and the true count", () => {
    const databases = Array.from({ length: 200 }, (_, i) => ({
      name: `database_${String(i).padStart(3, "0")}`,
      owner: `owner_${i}`,
      sizeBytes: 123_456_789,
      rowEstimate: 1_000_000 + i,
    }));
    const message = pointInTimeMessage({ databases, durationMs: 60_000 });
    const parsed = parsePointInTimeMessage(message);
    expect(message.length).toBeLessThanOrEqual(3900);
    expect(parsed?.databaseCount).toBe(200);
    expect(parsed?.databases).toEqual(databases.slice(0, parsed?.databases.length));
    // 46 characters a row: 83 rows and the envelope stay within 3,900.
    expect(parsed?.databases.length).toBe(83);
    expect(parsePointInTimeMessage("restore_check_failed: nope")).toBeNull();
  });
});
