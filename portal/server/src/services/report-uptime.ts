// Uptime and outages of a pair from one set of intervals (docs/operations.md, "Reports: what the
// figures mean"). A writable, unfenced primary's report vouches for the stretch before it, back to the
// previous such report but no further than the unreachable threshold (6 s): the pair accepted writes
// then. Every other moment is an outage, silence included. Beyond the raw window the hourly roll-ups
// keep those seconds per hour (up_seconds), so a 30-day range is judged by the same rule.
import type { Outage } from "@pgaas/api";
import type { Queryable } from "../store/db.js";
import { hourlyUpSeconds, rawOutages, rollupsEndAt } from "../store/time-series.js";
import { UNREACHABLE_AFTER_MS } from "./report-timing.js";

/** How far back a writable report vouches: the pair view's unreachable threshold, in seconds. */
export const VOUCH_SECONDS = UNREACHABLE_AFTER_MS / 1000;

const HOUR_MS = 3_600_000;

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
  store: Queryable,
  pairId: string,
  fromMs: number,
  toMs: number,
  nowMs: number,
): Promise<Availability> {
  const untilMs = Math.min(toMs, nowMs - VOUCH_SECONDS * 1000);
  if (untilMs <= fromMs) return { outages: [], uptimeRatio: null };
  const [hours, endsAt] = await Promise.all([
    hourlyUpSeconds(store, pairId, new Date(fromMs), new Date(untilMs)),
    rollupsEndAt(store, pairId),
  ]);
  // Raw samples start where the roll-ups end (retention cuts at whole hours).
  const rawFromMs = Math.max(fromMs, endsAt?.getTime() ?? fromMs);
  const rolled = rolledOutages(hours, fromMs, Math.min(rawFromMs, untilMs));
  const raw =
    rawFromMs >= untilMs
      ? []
      : await rawOutages(store, pairId, new Date(rawFromMs), new Date(untilMs), VOUCH_SECONDS);
  const outages = joinOutages([...rolled, ...raw]);
  return { outages, uptimeRatio: uptimeRatio(outages, (untilMs - fromMs) / 1000) };
}
