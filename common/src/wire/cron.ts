// Five-field cron (minute hour day-of-month month day-of-week, UTC), as the pair spec's backup schedule
// writes it: digits and `* , - /` only. Standard semantics: when both day fields are restricted, a day
// matches either; Sunday is 0 or 7. Used by the control plane to run the schedule.
import { z } from "zod";

export const CRON_PATTERN = /^[0-9*,/-]+( [0-9*,/-]+){4}$/;
export const CronSchedule = z.string().regex(CRON_PATTERN, "a five-field cron schedule, e.g. '0 1 * * 0'");

interface Field {
  readonly values: ReadonlySet<number>;
  /** `*` (or `*\/n`): the field does not restrict. */
  readonly any: boolean;
}

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

function parseField(text: string, [low, high]: readonly [number, number]): Field {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range = "", stepText] = part.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    let from: number;
    let to: number;
    if (range === "*") [from, to] = [low, high];
    else if (range.includes("-")) [from, to] = range.split("-").map(Number) as [number, number];
    else [from, to] = [Number(range), stepText === undefined ? Number(range) : high];
    if (![from, to, step].every(Number.isInteger) || step < 1 || from < low || to > high || from > to) {
      throw new TypeError(`cron field ${text} is outside ${low}-${high}`);
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return { values, any: text.startsWith("*") };
}

export interface Cron {
  matches(minute: Date): boolean;
}

export function parseCron(schedule: string): Cron {
  if (!CRON_PATTERN.test(schedule)) throw new TypeError(`not a five-field cron schedule: ${schedule}`);
  const [minute, hour, day, month, weekday] = schedule
    .split(" ")
    .map((text, index) => parseField(text, RANGES[index] as readonly [number, number])) as [
    Field,
    Field,
    Field,
    Field,
    Field,
  ];
  return {
    matches(at) {
      const dow = at.getUTCDay();
      const dayOfMonth = day.values.has(at.getUTCDate());
      const dayOfWeek = weekday.values.has(dow) || (dow === 0 && weekday.values.has(7));
      const dayMatches =
        day.any && weekday.any
          ? true
          : day.any
            ? dayOfWeek
            : weekday.any
              ? dayOfMonth
              : dayOfMonth || dayOfWeek;
      return (
        minute.values.has(at.getUTCMinutes()) &&
        hour.values.has(at.getUTCHours()) &&
        month.values.has(at.getUTCMonth() + 1) &&
        dayMatches
      );
    },
  };
}

const MINUTE_MS = 60_000;
/** How far back a missed run is looked for (a control plane down longer runs the newest one only). */
const LOOKBACK_MINUTES = 8 * 24 * 60;

/** The newest whole minute in (after, upTo] the schedule names, or null. */
export function lastDueMinute(cron: Cron, after: Date, upTo: Date): Date | null {
  let at = Math.floor(upTo.getTime() / MINUTE_MS) * MINUTE_MS;
  const floor = Math.max(after.getTime(), at - LOOKBACK_MINUTES * MINUTE_MS);
  for (; at > floor; at -= MINUTE_MS) {
    const minute = new Date(at);
    if (cron.matches(minute)) return minute;
  }
  return null;
}

/** How far ahead `nextDueMinutes` looks (a schedule that names no minute in it yields fewer). */
const LOOKAHEAD_MINUTES = 800 * 24 * 60;

/** The first `count` whole minutes after `after` the schedule names, within 800 days. */
export function nextDueMinutes(cron: Cron, after: Date, count: number): Date[] {
  const found: Date[] = [];
  let at = (Math.floor(after.getTime() / MINUTE_MS) + 1) * MINUTE_MS;
  const ceiling = at + LOOKAHEAD_MINUTES * MINUTE_MS;
  for (; at < ceiling && found.length < count; at += MINUTE_MS) {
    const minute = new Date(at);
    if (cron.matches(minute)) found.push(minute);
  }
  return found;
}
