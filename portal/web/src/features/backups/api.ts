import {
  type BackupType,
  getPointInTimeLook,
  listBackups,
  listDatabases,
  listPairs,
  lookAtPointInTime,
  type Pair,
  type PairBackups,
  type PointInTimeLookRequest,
  takeBackup,
  verifyBackup,
} from "@pgaas/api";
import { callRoute } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export interface PairBackupsView {
  pair: Pair;
  backups: PairBackups;
}

async function fetchBackups(signal: AbortSignal): Promise<PairBackupsView[]> {
  const { pairs } = await callRoute(listPairs, { signal });
  return Promise.all(
    pairs.map(async (pair) => ({
      pair,
      backups: await callRoute(listBackups, { params: { id: pair.id }, signal }),
    })),
  );
}

/** Every pair's backups, refreshed every 15 s (the primary's agent reports the inventory with its metrics). */
export function usePairBackups() {
  return useQuery("pair-backups", fetchBackups, { refreshMs: 15_000 });
}

export function requestBackup(input: { pairId: string; type: BackupType }) {
  return callRoute(takeBackup, { params: { id: input.pairId }, body: { type: input.type } });
}

export function requestRestoreCheck(input: { pairId: string }) {
  return callRoute(verifyBackup, { params: { id: input.pairId } });
}

export function requestLook(input: { pairId: string; request: PointInTimeLookRequest }) {
  return callRoute(lookAtPointInTime, { params: { id: input.pairId }, body: input.request });
}

/** A running look is asked again every 3 s; a finished one no more. */
export function usePointInTimeLook(pairId: string, requestId: string, running: boolean) {
  return useQuery(
    `point-in-time-${requestId}`,
    (signal) => callRoute(getPointInTimeLook, { params: { id: pairId, requestId }, signal }),
    running ? { refreshMs: 3000 } : {},
  );
}

/** The pair's database records (deleted ones too): a database at T restores through its record. */
export function usePairDatabaseRecords(pairId: string) {
  return useQuery(`pair-databases-${pairId}`, (signal) =>
    callRoute(listDatabases, { query: { pairId, includeDeleted: "true" }, signal }),
  );
}
