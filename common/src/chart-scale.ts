// Pure chart geometry shared by the portal's charts and the printable report: round value ticks
// (binary steps for sizes, so an axis reads 2 MiB, 4 MiB rather than 2.38 MiB) and round UTC time ticks.

const MULTIPLIERS = [1, 2, 2.5, 5, 10] as const;

/**
 * Round upper bound and evenly spaced ticks from 0 (or the minimum when negative) to it.
 * `integer` keeps steps whole, for counts such as connections.
 */
export function niceTicks(
  min: number,
  max: number,
  options: { count?: number; integer?: boolean } = {},
): number[] {
  const count = options.count ?? 4;
  const low = Math.min(0, min);
  const span = max - low;
  if (!Number.isFinite(span) || span <= 0) return [low, low + 1];
  const rawStep = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(rawStep));
  const nice = (MULTIPLIERS.find((m) => m * magnitude >= rawStep) ?? 10) * magnitude;
  const step = options.integer ? Math.max(1, Math.ceil(nice)) : nice;
  const start = Math.floor(low / step) * step;
  const ticks: number[] = [];
  for (let value = start; value < max + step * 0.999 && ticks.length <= count + 2; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/**
 * Ticks for byte values: round numbers of the binary unit the maximum is shown in (B, KiB, MiB, …),
 * whole bytes below a KiB.
 */
export function byteTicks(min: number, max: number, count = 4): number[] {
  const largest = Math.max(Math.abs(min), Math.abs(max));
  const unit = 1024 ** Math.max(0, Math.min(4, Math.floor(Math.log(Math.max(largest, 1)) / Math.log(1024))));
  return niceTicks(min / unit, max / unit, { count, integer: unit === 1 }).map((tick) => tick * unit);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TIME_STEPS = [
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
] as const;

/**
 * Round instants inside [from, to] (whole minutes, hours or UTC midnights), about `count` of them:
 * the smallest round step that keeps to at most `count` ticks. A span under a minute gets its ends.
 */
export function timeTicks(from: number, to: number, count = 4): number[] {
  if (to <= from) return [from];
  const step = TIME_STEPS.find((candidate) => (to - from) / candidate <= count);
  if (step === undefined) {
    const days = Math.ceil((to - from) / DAY / count) * DAY;
    return roundInstants(from, to, days);
  }
  const ticks = roundInstants(from, to, step);
  return ticks.length === 0 ? [from, to] : ticks;
}

function roundInstants(from: number, to: number, step: number): number[] {
  const ticks: number[] = [];
  for (let tick = Math.ceil(from / step) * step; tick <= to; tick += step) ticks.push(tick);
  return ticks;
}

/**
 * A tick's UTC label, always with its date (a short range can still cross midnight): "11-29 21:40",
 * with seconds when the span is ten minutes or less.
 */
export function timeLabel(instant: number, spanMs: number): string {
  const iso = new Date(instant).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, spanMs <= 600_000 ? 19 : 16)}`;
}

/** "2.00 MiB" → "2 MiB", "0.50" → "0.5": a round tick reads round. */
export function trimZeros(label: string): string {
  return label.replace(/(\.\d*?)0+(?=\D|$)/, "$1").replace(/\.(?=\D|$)/, "");
}

export interface ChartValue {
  /** Milliseconds since the epoch: the start of the value's bucket. */
  readonly t: number;
  readonly v: number | null;
}

type Present = { readonly t: number; readonly v: number };

/** Runs of values in consecutive buckets: a line goes along each run, never across a gap. */
export function valueRuns(values: readonly ChartValue[], bucketMs: number): Present[][] {
  const runs: Present[][] = [];
  let run: Present[] = [];
  let previous: number | undefined;
  for (const value of values) {
    const present = value.v === null ? undefined : { t: value.t, v: value.v };
    if (present === undefined || (previous !== undefined && present.t - previous > bucketMs)) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (present !== undefined) {
      run.push(present);
      previous = present.t;
    }
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The stretches of [from, to) no value's bucket covers: what a chart marks as "no data". */
export function valueGaps(
  values: readonly ChartValue[],
  from: number,
  to: number,
  bucketMs: number,
): { from: number; to: number }[] {
  const gaps: { from: number; to: number }[] = [];
  let covered = from;
  for (const value of values) {
    if (value.v === null) continue;
    if (value.t > covered) gaps.push({ from: covered, to: Math.min(value.t, to) });
    covered = Math.max(covered, value.t + bucketMs);
  }
  if (covered < to) gaps.push({ from: covered, to });
  return gaps.filter((gap) => gap.to > gap.from);
}
