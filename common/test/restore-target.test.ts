// The restore target checked against an inventory: the same refusals (codes and the restorable range
// in the details) for the engine and the control plane, and nothing to do when the target is fine.
import { describe, expect, it } from "vitest";
import type { BackupInventory } from "../src/wire/backup-inventory.js";
import { checkRestoreTarget } from "../src/wire/restore-target.js";
import { FULL_BACKUP } from "./support/backup-fixtures.js";

const INVENTORY: BackupInventory = {
  stanza: "orders",
  statusCode: 0,
  statusMessage: "ok",
  backups: [
    FULL_BACKUP,
    {
      label: "20261207-022500F_20261207-030000D",
      type: "diff",
      startedAt: "2026-12-07T03:00:00.000Z",
      stoppedAt: "2026-12-07T03:00:02.000Z",
      databaseBytes: 30_000_000,
      repositoryBytes: 100_000,
      walStart: "000000010000000000000006",
      walStop: "000000010000000000000006",
    },
  ],
  walMin: "000000010000000000000001",
  walMax: "000000010000000000000009",
  restorableFrom: "2026-12-07T02:25:04.000Z",
  restorableTo: "2026-12-07T03:10:00.000Z",
  archiveLagSeconds: 0,
  archiveFailures: 0,
};
const NOW = new Date("2026-12-07T03:15:00.000Z");
const RANGE = { restorableFrom: "2026-12-07T02:25:04.000Z", restorableTo: "2026-12-07T03:10:00.000Z" };
const RANGE_TEXT = "restorable from 2026-12-07T02:25:04.000Z to 2026-12-07T03:10:00.000Z";

function refusal(run: () => unknown): { code: string; message: string; details: unknown } {
  try {
    run();
  } catch (error) {
    return error as { code: string; message: string; details: unknown };
  }
  throw new Error("no refusal");
}

describe("checkRestoreTarget", () => {
  it("takes a time inside the range, in any zone, and needs no archive push for it", () => {
    expect(checkRestoreTarget(INVENTORY, { time: "2026-12-07T04:05:00+01:00" }, NOW)).toEqual({
      time: new Date("2026-12-07T03:05:00.000Z"),
      archiveFirst: false,
    });
  });

  it("asks for an archive push for a time after the archived end but not in the future", () => {
    expect(checkRestoreTarget(INVENTORY, { time: "2026-12-07T03:12:00Z" }, NOW)).toEqual({
      time: new Date("2026-12-07T03:12:00.000Z"),
      archiveFirst: true,
    });
  });

  it("restores the latest state without a time, from a named backup when one is given", () => {
    expect(checkRestoreTarget(INVENTORY, {}, NOW)).toEqual({ archiveFirst: false });
    expect(checkRestoreTarget(INVENTORY, { backup: "20261207-022500F" }, NOW)).toEqual({
      set: "20261207-022500F",
      archiveFirst: false,
    });
  });

  it("refuses a time before the oldest backup, naming the range", () => {
    const error = refusal(() => checkRestoreTarget(INVENTORY, { time: "2026-12-07T02:25:03Z" }, NOW));
    expect(error).toMatchObject({
      code: "restore_time_before_oldest_backup",
      message: `2026-12-07T02:25:03.000Z is before the oldest backup: ${RANGE_TEXT}`,
      details: RANGE,
    });
  });

  it("refuses a time before the end of the named backup", () => {
    const error = refusal(() =>
      checkRestoreTarget(
        INVENTORY,
        { time: "2026-12-07T02:59:00Z", backup: "20261207-022500F_20261207-030000D" },
        NOW,
      ),
    );
    expect([error.code, error.message]).toEqual([
      "restore_time_before_oldest_backup",
      `2026-12-07T02:59:00.000Z is before the end of backup 20261207-022500F_20261207-030000D: ${RANGE_TEXT}`,
    ]);
  });

  it("refuses a time in the future, naming the range", () => {
    const error = refusal(() => checkRestoreTarget(INVENTORY, { time: "2026-12-07T03:15:01Z" }, NOW));
    expect(error).toMatchObject({
      code: "restore_time_in_future",
      message: `2026-12-07T03:15:01.000Z is in the future: ${RANGE_TEXT}`,
      details: RANGE,
    });
  });

  it("refuses an unknown backup with the range and the labels it has", () => {
    const error = refusal(() => checkRestoreTarget(INVENTORY, { backup: "20010101-000000F" }, NOW));
    expect(error).toMatchObject({
      code: "unknown_backup",
      message: `no backup 20010101-000000F in the repository: ${RANGE_TEXT}`,
      details: { ...RANGE, backups: ["20261207-022500F", "20261207-022500F_20261207-030000D"] },
    });
  });

  it("refuses a time without a zone and a repository without a backup", () => {
    expect(refusal(() => checkRestoreTarget(INVENTORY, { time: "2026-12-07T03:05:00" }, NOW)).code).toBe(
      "invalid_restore_time",
    );
    const empty = { ...INVENTORY, backups: [], restorableFrom: null, restorableTo: null };
    expect(refusal(() => checkRestoreTarget(empty, {}, NOW))).toMatchObject({
      code: "no_backup",
      message: "the pair has no backup yet: restorable from (no backup yet) to (nothing archived)",
    });
  });
});
