// The restorable range the agent reports: from the oldest backup's end to what is archived, never
// ending before the backup that starts it.
import { describe, expect, it } from "vitest";
import { type ArchiverState, backupInventory, type RepositoryInfo } from "../src/wire/backup-inventory.js";
import { FULL_BACKUP } from "./support/backup-fixtures.js";

const INFO: RepositoryInfo = {
  stanza: "orders",
  statusCode: 0,
  statusMessage: "ok",
  backups: [FULL_BACKUP],
  walMin: "000000010000000000000001",
  walMax: "000000010000000000000003",
};

const archiver = (state: Partial<ArchiverState>): ArchiverState => ({
  lastArchivedAt: "2026-12-07T02:25:01.866Z",
  failed: 0,
  pending: true,
  now: "2026-12-07T02:25:05.000Z",
  ...state,
});

describe("backupInventory", () => {
  it("ends the range at the backup's end when its segment was archived a moment before pgBackRest stamped it", () => {
    expect(backupInventory(INFO, archiver({}))).toMatchObject({
      restorableFrom: "2026-12-07T02:25:04.000Z",
      restorableTo: "2026-12-07T02:25:04.000Z",
      archiveLagSeconds: 3.134,
    });
  });

  it("ends the range at the last archived WAL while the current segment is pending", () => {
    const later = archiver({ lastArchivedAt: "2026-12-07T02:30:00.000Z", now: "2026-12-07T02:30:02.000Z" });
    expect(backupInventory(INFO, later)).toMatchObject({
      restorableTo: "2026-12-07T02:30:00.000Z",
      archiveLagSeconds: 2,
    });
  });

  it("ends the range now when nothing is pending, and has none without a backup or an archiver", () => {
    expect(backupInventory(INFO, archiver({ pending: false })).restorableTo).toBe("2026-12-07T02:25:05.000Z");
    expect(backupInventory({ ...INFO, backups: [] }, null)).toMatchObject({
      restorableFrom: null,
      restorableTo: null,
      archiveLagSeconds: null,
    });
  });
});
