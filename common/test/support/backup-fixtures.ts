// One full backup as pgBackRest's info reports it, shared by the inventory and restore-target tests.
import type { BackupEntry } from "../../src/wire/backup-inventory.js";

export const FULL_BACKUP: BackupEntry = {
  label: "20261207-022500F",
  type: "full",
  startedAt: "2026-12-07T02:25:00.000Z",
  stoppedAt: "2026-12-07T02:25:04.000Z",
  databaseBytes: 30_000_000,
  repositoryBytes: 4_000_000,
  walStart: "000000010000000000000003",
  walStop: "000000010000000000000003",
};
