// Pure report arithmetic: buckets, per-bucket node choice and the summary.
import type { ReportPoint, ReportSummary } from "@pgaas/api";
import type { DatabaseBucket, StateBucket } from "../store/time-series.js";
import type { Availability } from "./report-uptime.js";

// Bucket widths a reader recognises; from one hour up they hold whole hourly roll-ups.
const BUCKET_WIDTHS = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400] as const;
const HOUR = 3600;

/**
 * The smallest round bucket that keeps a range to at most 200 points. Ranges that reach into hourly
 * roll-ups use whole hours, so a roll-up is never split across buckets.
 */
export function bucketSeconds(fromMs: number, toMs: number, readsRollups = false): number {
  const wanted = Math.max((toMs - fromMs) / 1000 / 200, readsRollups ? HOUR : 0);
  return BUCKET_WIDTHS.find((width) => width >= wanted) ?? Math.ceil(wanted / 86_400) * 86_400;
}

/** One node's aggregates for one database in one bucket (deltas already reset-aware). */
const rate = (count: number, seconds: number) => (seconds > 0 ? count / seconds : null);
const ratio = (hit: number, read: number) => (hit + read > 0 ? hit / (hit + read) : null);
const maxOrNull = (values: readonly (number | null)[]) => {
  const present = values.filter((value): value is number => value !== null);
  return present.length === 0 ? null : Math.max(...present);
};

/**
 * Per bucket, the primary's numbers: both nodes report every database, and the node with the most
 * commits in a bucket is the one that served writes then. Databases are summed.
 */
export function databasePoints(
  buckets: readonly DatabaseBucket[],
  states: readonly StateBucket[],
): ReportPoint[] {
  const byBucket = new Map<number, DatabaseBucket[]>();
  for (const row of buckets)
    byBucket.set(row.bucket.getTime(), [...(byBucket.get(row.bucket.getTime()) ?? []), row]);
  const stateByBucket = new Map(states.map((state) => [state.bucket.getTime(), state]));
  const times = [...new Set([...byBucket.keys(), ...stateByBucket.keys()])].sort((a, b) => a - b);
  return times.map((time) => {
    const rows = byBucket.get(time) ?? [];
    const perDatabase = new Map<string, DatabaseBucket>();
    for (const row of rows) {
      const current = perDatabase.get(row.database);
      if (current === undefined || row.commits > current.commits) perDatabase.set(row.database, row);
    }
    const chosen = [...perDatabase.values()];
    const sum = (pick: (row: DatabaseBucket) => number) =>
      chosen.reduce((total, row) => total + pick(row), 0);
    const seconds = chosen.length === 0 ? 0 : Math.max(...chosen.map((row) => row.seconds));
    const state = stateByBucket.get(time);
    return {
      at: new Date(time).toISOString(),
      sizeBytes: chosen.length === 0 ? null : sum((row) => row.sizeBytes),
      connections: chosen.length === 0 ? null : sum((row) => row.connections),
      commitsPerSecond: rate(
        sum((row) => row.commits),
        seconds,
      ),
      rollbacksPerSecond: rate(
        sum((row) => row.rollbacks),
        seconds,
      ),
      cacheHitRatio: ratio(
        sum((row) => row.blksHit),
        sum((row) => row.blksRead),
      ),
      deadlocks: chosen.length === 0 ? null : sum((row) => row.deadlocks),
      tempBytes: chosen.length === 0 ? null : sum((row) => row.tempBytes),
      lagBytes: state?.lagBytes ?? null,
      lagSeconds: state?.lagSeconds ?? null,
    };
  });
}

export function summarize(
  points: readonly ReportPoint[],
  availability: Availability,
  failovers: number,
  degradedPeriods: ReportSummary["degradedPeriods"],
): ReportSummary {
  const sizes = points.map((point) => point.sizeBytes).filter((size): size is number => size !== null);
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const present = (pick: (point: ReportPoint) => number | null) =>
    points.map(pick).filter((value): value is number => value !== null);
  const mean = (values: readonly number[]) =>
    values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
  const total = (values: readonly number[]) =>
    values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  return {
    sizeGrowthBytes: first === undefined || last === undefined ? null : last - first,
    maxConnections: maxOrNull(points.map((point) => point.connections)),
    commitsPerSecond: mean(present((point) => point.commitsPerSecond)),
    rollbacksPerSecond: mean(present((point) => point.rollbacksPerSecond)),
    cacheHitRatio: mean(present((point) => point.cacheHitRatio)),
    deadlocks: total(present((point) => point.deadlocks)),
    tempBytes: total(present((point) => point.tempBytes)),
    maxLagBytes: maxOrNull(points.map((point) => point.lagBytes)),
    maxLagSeconds: maxOrNull(points.map((point) => point.lagSeconds)),
    uptimeRatio: availability.uptimeRatio,
    outages: availability.outages,
    failovers,
    degradedPeriods,
  };
}

/** Joins consecutive degraded samples of the primary into periods. */
export function degradedPeriods(
  samples: readonly { at: Date; degraded: boolean }[],
): ReportSummary["degradedPeriods"] {
  const periods: ReportSummary["degradedPeriods"] = [];
  let start: Date | undefined;
  let last: Date | undefined;
  for (const sample of samples) {
    if (sample.degraded) {
      start ??= sample.at;
      last = sample.at;
    } else if (start !== undefined) {
      periods.push({ from: start.toISOString(), to: sample.at.toISOString() });
      start = undefined;
    }
  }
  if (start !== undefined && last !== undefined)
    periods.push({ from: start.toISOString(), to: last.toISOString() });
  return periods;
}
