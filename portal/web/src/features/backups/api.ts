import {
  type BackupType,
  listBackups,
  listPairs,
  type Pair,
  type PairBackups,
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
