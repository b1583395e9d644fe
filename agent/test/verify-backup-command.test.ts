// The agent's part in restore checks: a `verify_backup` command runs on a primary or a standby, its
// outcome is the verifier's (the engine's check on this host, exercised for real by
// test/system/backup-api.test.ts), and every refusal starts with a stable code.
import {
  type AgentCommand,
  AgentCommand as AgentCommandSchema,
  restoreCheckMessage,
} from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import type { BackupVerifier } from "../src/backup/backup-verifier.js";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { MemoryRepmgr } from "./support/fakes.js";

const START = Date.parse("2026-12-07T03:00:00.000Z");
const VERIFY: AgentCommand = {
  id: "6c1d4b5f-2e3a-4f7b-8c9d-8e7f6a5b4c3d",
  type: "verify_backup",
  requestedAt: "2026-12-07T02:59:59.000Z",
};

function countingVerifier(outcome: { ok: boolean; message: string }) {
  let runs = 0;
  const verifier: BackupVerifier = {
    async verify() {
      runs += 1;
      return outcome;
    },
  };
  return { verifier, runs: () => runs };
}

function runner(verifier: BackupVerifier | null) {
  return repmgrCommandRunner(new MemoryRepmgr(), { clock: () => START, verifier });
}

describe("verify_backup command", () => {
  it("is a command the control plane may send", () => {
    expect(AgentCommandSchema.parse(VERIFY)).toEqual(VERIFY);
  });

  it("runs on the standby or the primary and reports the verifier's outcome", async () => {
    const passed = restoreCheckMessage({
      backup: "20261207-070000F",
      databases: ["app", "postgres"],
      durationMs: 4200,
    });
    const ok = countingVerifier({ ok: true, message: passed });
    const failed = countingVerifier({
      ok: false,
      message: "restore_check_failed: database app did not answer",
    });
    const onStandby = await runner(ok.verifier).run(VERIFY, "standby");
    const onPrimary = await runner(ok.verifier).run(VERIFY, "primary");
    const failing = await runner(failed.verifier).run(VERIFY, "standby");
    expect([onStandby.outcome, onStandby.message, onPrimary.outcome, ok.runs()]).toEqual([
      "succeeded",
      passed,
      "succeeded",
      2,
    ]);
    expect([failing.outcome, failing.message]).toEqual([
      "failed",
      "restore_check_failed: database app did not answer",
    ]);
    expect([onStandby.startedAt, onStandby.finishedAt]).toEqual([
      "2026-12-07T03:00:00.000Z",
      "2026-12-07T03:00:00.000Z",
    ]);
  });

  it("refuses with a stable code without backups and on a node that is down", async () => {
    const { verifier, runs } = countingVerifier({ ok: true, message: "passed" });
    const without = await runner(null).run(VERIFY, "standby");
    const down = await runner(verifier).run(VERIFY, "down");
    expect([without.outcome, without.message, down.outcome, down.message, runs()]).toEqual([
      "failed",
      "no_backups_configured: this pair has no backups configured",
      "failed",
      "node_not_ready: restore checks run on a primary or standby; this node is down",
      0,
    ]);
  });
});
