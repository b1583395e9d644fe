// The agent's part in backups: the primary (only) adds the inventory to its metrics, a repository
// that does not answer costs the inventory and not the metrics, and `backup` commands run on the
// primary only, with pgBackRest's words when it fails.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { BackupInventory, MetricsReport } from "@pgaas/common/wire";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { MemoryBackups, MemoryRepmgr, memoryAgent, STANDBY } from "./support/fakes.js";

const START = Date.parse("2026-12-06T18:00:00.000Z");
const INVENTORY: BackupInventory = {
  stanza: "orders",
  statusCode: 0,
  statusMessage: "ok",
  backups: [
    {
      label: "20261206-175900F",
      type: "full",
      startedAt: "2026-12-06T17:59:00.000Z",
      stoppedAt: "2026-12-06T17:59:03.000Z",
      databaseBytes: 30_000_000,
      repositoryBytes: 4_000_000,
      walStart: "000000010000000000000003",
      walStop: "000000010000000000000003",
    },
  ],
  walMin: "000000010000000000000001",
  walMax: "000000010000000000000005",
  restorableFrom: "2026-12-06T17:59:03.000Z",
  restorableTo: "2026-12-06T17:59:59.000Z",
  archiveLagSeconds: 0,
  archiveFailures: 0,
};
const BACKUP = {
  id: "4b0f3f0e-3d7c-4d9a-8a5e-4f7a3c1d2e91",
  type: "backup" as const,
  backupType: "diff" as const,
  requestedAt: "2026-12-06T18:00:00.000Z",
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-backups-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function metricsAfterTicks(backups: MemoryBackups, standby = false) {
  const world = await memoryAgent(dir, START, { backups });
  if (standby) world.probe.state = STANDBY;
  await world.agent.tick();
  await world.agent.tick();
  const metrics = world.controlPlane.accepted.filter((r): r is MetricsReport => r.kind === "metrics");
  return { metrics, logger: world.logger };
}

describe("backup inventory in metrics reports", () => {
  it("is reported by the primary", async () => {
    const { metrics } = await metricsAfterTicks(new MemoryBackups(INVENTORY));
    expect(metrics.map((m) => m.backups)).toEqual([INVENTORY]);
  });

  it("is not reported by a standby", async () => {
    const { metrics } = await metricsAfterTicks(new MemoryBackups(INVENTORY), true);
    expect(metrics.map((m) => m.backups)).toEqual([undefined]);
  });

  it("is left out, with a warning, when pgBackRest does not answer; the metrics still go", async () => {
    const backups = new MemoryBackups(INVENTORY);
    backups.inventoryResult = new Error("pgbackrest info exited 103: unable to connect to repository host");
    const { metrics, logger } = await metricsAfterTicks(backups);
    expect(metrics.map((m) => [m.backups, m.databases.length])).toEqual([[undefined, 1]]);
    expect(
      logger.lines
        .map((line) => JSON.parse(line))
        .filter((line) => line.msg === "backup inventory unavailable")
        .map((line) => [line.level, line.error]),
    ).toEqual([["warn", "pgbackrest info exited 103: unable to connect to repository host"]]);
  });
});

describe("backup command", () => {
  const clock = () => START;

  it("runs the requested type on the primary", async () => {
    const backups = new MemoryBackups(INVENTORY);
    const result = await repmgrCommandRunner(new MemoryRepmgr(), { clock, backups }).run(BACKUP, "primary");
    expect([result.outcome, result.message, backups.taken]).toEqual([
      "succeeded",
      "diff backup completed",
      ["diff"],
    ]);
  });

  it("refuses on a standby and without backups configured", async () => {
    const backups = new MemoryBackups(INVENTORY);
    const onStandby = await repmgrCommandRunner(new MemoryRepmgr(), { clock, backups }).run(
      BACKUP,
      "standby",
    );
    const without = await repmgrCommandRunner(new MemoryRepmgr(), { clock }).run(BACKUP, "primary");
    expect([onStandby.message, without.message, backups.taken]).toEqual([
      "backups are started by the primary; this node is standby",
      "this pair has no backups configured",
      [],
    ]);
  });

  it("fails with pgBackRest's exit code and output", async () => {
    const backups = new MemoryBackups(INVENTORY);
    backups.backupResult = { exitCode: 56, output: "ERROR: [056]: unable to find primary cluster" };
    const result = await repmgrCommandRunner(new MemoryRepmgr(), { clock, backups }).run(
      { ...BACKUP, backupType: undefined },
      "primary",
    );
    expect([result.outcome, result.message, backups.taken]).toEqual([
      "failed",
      "pgbackrest full backup exited 56: ERROR: [056]: unable to find primary cluster",
      ["full"],
    ]);
  });
});
