// Pure geometry for the SVG charts: nice axis ticks and time labels. Tested without a DOM.

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
  const nice = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= rawStep) ?? 10) * magnitude;
  const step = options.integer ? Math.max(1, Math.ceil(nice)) : nice;
  const start = Math.floor(low / step) * step;
  const ticks: number[] = [];
  for (let value = start; value < max + step * 0.999 && ticks.length <= count + 2; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

/** Evenly spaced instants across [from, to], `count + 1` of them including both ends. */
export function timeTicks(from: number, to: number, count = 4): number[] {
  if (to <= from) return [from];
  return Array.from({ length: count + 1 }, (_, index) => from + ((to - from) * index) / count);
}

/**
 * "21:40:30" within ten minutes, "21:40" within a day, "11-29 21:40" beyond (UTC, as everywhere in
 * the portal): ticks of one axis never read the same.
 */
export function timeLabel(instant: number, spanMs: number): string {
  const iso = new Date(instant).toISOString();
  // Every label carries its date: a short range can still cross midnight, and a bare time is ambiguous.
  return `${iso.slice(5, 10)} ${iso.slice(11, spanMs <= 600_000 ? 19 : 16)}`;
}
