// Uptime and outages of a pair from one set of intervals (docs/operations.md, "Reports: what the
// figures mean"). A writable, unfenced primary's report vouches for the stretch before it, back to the
// previous such report but no further than the unreachable threshold (6 s): the pair accepted writes
// then. Every other moment is an outage, silence included. Beyond the raw window the hourly roll-ups
// keep those seconds per hour (up_seconds), so a 30-day range is judged by the same rule.
import type { Outage } from "@pgaas/api";
import type { Store } from "../store/db.js";
import { UNREACHABLE_AFTER_MS } from "./report-timing.js";

/** How far back a writable report vouches: the pair view's unreachable threshold, in seconds. */
export const VOUCH_SECONDS = UNREACHABLE_AFTER_MS / 1000;

const HOUR_MS = 3_600_000;

/**
 * Per node and hour before $1 (a whole hour), the seconds its writable reports vouched for. The lag runs
 * over the whole pair, so two nodes never vouch for the same second; a report whose predecessor is gone
 * (rolled up earlier) vouches no further back than its own hour, which that earlier run already counted.
 */
export const ROLLUP_UP_SECONDS_SQL = `
  WITH w AS (
    SELECT ss.node_id, ss.sampled_at AS at,
           greatest(ss.sampled_at - make_interval(secs => $2),
                    coalesce(lag(ss.sampled_at) OVER (PARTITION BY n.pair_id ORDER BY ss.sampled_at),
                             date_trunc('hour', ss.sampled_at))) AS since
      FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
     WHERE ss.writable AND NOT ss.fenced AND ss.sampled_at < $1::timestamptz + make_interval(secs => $2)),
  parts AS (
    SELECT node_id, date_trunc('hour', since) AS bucket,
           extract(epoch FROM least(at, date_trunc('hour', since) + interval '1 hour') - since) AS seconds FROM w
    UNION ALL
    SELECT node_id, date_trunc('hour', at), extract(epoch FROM at - date_trunc('hour', at)) FROM w
     WHERE date_trunc('hour', at) > since)
  INSERT INTO state_rollups (node_id, bucket, samples, writable_samples, degraded_samples, up_seconds)
  SELECT node_id, bucket, 0, 0, 0, sum(seconds) FROM parts WHERE bucket < $1 GROUP BY 1, 2
  ON CONFLICT (node_id, bucket) DO UPDATE SET up_seconds = state_rollups.up_seconds + excluded.up_seconds`;

// The stretches of [$2, $3) no raw writable report vouched for, in order.
const RAW_OUTAGES_SQL = `
  WITH w AS (
    SELECT ss.sampled_at AS at, lag(ss.sampled_at) OVER (ORDER BY ss.sampled_at) AS prev
      FROM state_samples ss JOIN nodes n ON n.id = ss.node_id
     WHERE n.pair_id = $1 AND ss.writable AND NOT ss.fenced
       AND ss.sampled_at > $2 AND ss.sampled_at < $3::timestamptz + make_interval(secs => $4))
  SELECT coalesce(prev, $2) AS started_at, least(at - make_interval(secs => $4), $3) AS ended_at FROM w
   WHERE at - make_interval(secs => $4) > coalesce(prev, $2) AND coalesce(prev, $2) < $3
  UNION ALL
  SELECT coalesce(max(at), $2), $3 FROM w HAVING coalesce(max(at), $2) < $3
  ORDER BY 1`;

/**
 * Outages in the rolled-up hours of [fromMs, untilMs): each hour's missing seconds, spread evenly over
 * the part of the hour in range (a roll-up no longer knows where in its hour they fell).
 */
export function rolledOutages(upSecondsByHour: ReadonlyMap<number, number>, fromMs: number, untilMs: number) {
  const outages: Outage[] = [];
  for (let hour = Math.floor(fromMs / HOUR_MS) * HOUR_MS; hour < untilMs; hour += HOUR_MS) {
    const start = Math.max(hour, fromMs);
    const end = Math.min(hour + HOUR_MS, untilMs);
    const up = Math.min(3600, upSecondsByHour.get(hour) ?? 0);
    const downSeconds = Math.round(((end - start) * (3600 - up)) / 3600) / 1000;
    if (downSeconds > 0)
      outages.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString(), downSeconds });
  }
  return outages;
}

/** Outages that touch become one (an outage across the roll-up boundary, or over many rolled hours). */
export function joinOutages(outages: readonly Outage[]): Outage[] {
  const joined: Outage[] = [];
  for (const outage of outages) {
    const last = joined.at(-1);
    if (last !== undefined && Date.parse(last.to) === Date.parse(outage.from))
      joined[joined.length - 1] = {
        from: last.from,
        to: outage.to,
        downSeconds: last.downSeconds + outage.downSeconds,
      };
    else joined.push(outage);
  }
  return joined;
}

/** The share of the judged window without outage, or null for an empty window. */
export function uptimeRatio(outages: readonly Outage[], windowSeconds: number): number | null {
  if (windowSeconds <= 0) return null;
  const down = outages.reduce((total, outage) => total + outage.downSeconds, 0);
  return Math.max(0, 1 - down / windowSeconds);
}

export interface Availability {
  readonly outages: Outage[];
  readonly uptimeRatio: number | null;
}

/**
 * Outages and uptime of a pair over [fromMs, toMs). The last few seconds before now are not judged yet:
 * the report that vouches for them has not arrived.
 */
export async function pairAvailability(
  store: Store,
  pairId: string,
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<Availability> {
  const untilMs = Math.min(toMs, nowMs - VOUCH_SECONDS * 1000);
  if (untilMs <= fromMs) return { outages: [], uptimeRatio: null };
  const [{ rows: hours }, { rows: ends }] = await Promise.all([
    store.query<{ bucket: Date; up_seconds: number }>(
      `SELECT r.bucket, sum(r.up_seconds)::float8 AS up_seconds FROM state_rollups r JOIN nodes n ON n.id = r.node_id
        WHERE n.pair_id = $1 AND r.bucket >= date_trunc('hour', $2::timestamptz) AND r.bucket < $3 GROUP BY 1`,
      [pairId, new Date(fromMs), new Date(untilMs)],
    ),
    store.query<{ ends_at: Date | null }>(
      `SELECT max(r.bucket) + interval '1 hour' AS ends_at FROM state_rollups r JOIN nodes n ON n.id = r.node_id
        WHERE n.pair_id = $1`,
      [pairId],
    ),
  ]);
  // Raw samples start where the roll-ups end (retention cuts at whole hours).
  const rawFromMs = Math.max(fromMs, ends[0]?.ends_at?.getTime() ?? fromMs);
  const rolled = rolledOutages(
    new Map(hours.map((hour) => [hour.bucket.getTime(), hour.up_seconds])),
    fromMs,
    Math.min(rawFromMs, untilMs),
  );
  const raw =
    rawFromMs >= untilMs
      ? []
      : (
          await store.query<{ started_at: Date; ended_at: Date }>(RAW_OUTAGES_SQL, [
            pairId,
            new Date(rawFromMs),
            new Date(untilMs),
            VOUCH_SECONDS,
          ])
        ).rows.map((row) => ({
          from: row.started_at.toISOString(),
          to: row.ended_at.toISOString(),
          downSeconds: (row.ended_at.getTime() - row.started_at.getTime()) / 1000,
        }));
  const outages = joinOutages([...rolled, ...raw]);
  return { outages, uptimeRatio: uptimeRatio(outages, (untilMs - fromMs) / 1000) };
}
