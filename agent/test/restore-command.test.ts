// The agent's part in restores: a `restore` command runs on the primary only, with its parameters as
// the control plane sent them, and its outcome is the restorer's (the engine's restore on this host,
// exercised for real by test/system/restore-api.test.ts).
import type { AgentCommand, RestoreParameters } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import type { DatabaseRestorer } from "../src/backup/database-restore.js";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { MemoryRepmgr } from "./support/fakes.js";

const START = Date.parse("2026-12-07T03:00:00.000Z");
const PARAMETERS: RestoreParameters = {
  database: "shop",
  newName: "shop_old",
  owner: "shop_old",
  time: "2026-12-07T02:30:00.000Z",
};
const RESTORE: AgentCommand = {
  id: "5b0c3a4e-1d2f-4e6a-9b8c-7d6e5f4a3b2c",
  type: "restore",
  requestedAt: "2026-12-07T02:59:59.000Z",
  restore: PARAMETERS,
};

function recordingRestorer(outcome: { ok: boolean; message: string }) {
  const asked: RestoreParameters[] = [];
  const restorer: DatabaseRestorer = {
    async restore(parameters) {
      asked.push(parameters);
      return outcome;
    },
  };
  return { restorer, asked };
}

describe("restore command", () => {
  const clock = () => START;

  it("runs on the primary with the parameters it was sent, and reports the restorer's outcome", async () => {
    const ok = recordingRestorer({ ok: true, message: "restored shop into shop_old" });
    const failed = recordingRestorer({ ok: false, message: "restore_failed: recovery stopped" });
    const done = await repmgrCommandRunner(new MemoryRepmgr(), { clock, restorer: ok.restorer }).run(
      RESTORE,
      "primary",
    );
    const refused = await repmgrCommandRunner(new MemoryRepmgr(), { clock, restorer: failed.restorer }).run(
      RESTORE,
      "primary",
    );
    expect([done.outcome, done.message, ok.asked]).toEqual([
      "succeeded",
      "restored shop into shop_old",
      [PARAMETERS],
    ]);
    expect([refused.outcome, refused.message]).toEqual(["failed", "restore_failed: recovery stopped"]);
  });

  it("refuses on a standby, without backups and without parameters", async () => {
    const { restorer, asked } = recordingRestorer({ ok: true, message: "restored" });
    const runner = repmgrCommandRunner(new MemoryRepmgr(), { clock, restorer });
    const onStandby = await runner.run(RESTORE, "standby");
    const without = await repmgrCommandRunner(new MemoryRepmgr(), { clock }).run(RESTORE, "primary");
    const bare = await runner.run({ ...RESTORE, restore: undefined }, "primary");
    expect([onStandby.message, without.message, bare.message, asked]).toEqual([
      "restores run on the primary; this node is standby",
      "this pair has no backups configured",
      "restore command without parameters",
      [],
    ]);
    expect([onStandby.outcome, without.outcome, bare.outcome]).toEqual(["failed", "failed", "failed"]);
  });
});
