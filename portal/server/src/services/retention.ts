// Time-series retention: raw samples older than `rawDays` are rolled up into hourly rows, then deleted;
// report ids older than `seenDays` are forgotten (a replay older than that is refused by agents' spools);
// finished alert deliveries older than `alertDays` leave the delivery log; slow statements go after
// `rawDays`, like the raw samples.
import type { Store } from "../store/db.js";
import { rollUpAndPrune } from "../store/retention.js";
import { VOUCH_SECONDS } from "./report-uptime.js";

export interface RetentionPolicy {
  readonly rawDays: number;
  readonly seenDays: number;
  readonly alertDays: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { rawDays: 7, seenDays: 7, alertDays: 30 };

export async function applyRetention(
  store: Store,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<void> {
  // Whole hours: a roll-up hour is complete when written, and raw samples start where roll-ups end.
  const rawCutoff = new Date(
    Math.floor((now.getTime() - policy.rawDays * 86_400_000) / 3_600_000) * 3_600_000,
  );
  const seenCutoff = new Date(now.getTime() - policy.seenDays * 86_400_000);
  const alertCutoff = new Date(now.getTime() - policy.alertDays * 86_400_000);
  await store.transaction((db) =>
    rollUpAndPrune(db, { rawCutoff, seenCutoff, alertCutoff, vouchSeconds: VOUCH_SECONDS }),
  );
}
