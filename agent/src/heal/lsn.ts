// PostgreSQL LSNs ("16/B374D848") compared and parsed as 64-bit numbers.
import { Lsn } from "@pgaas/common/wire";

export function lsnValue(lsn: string): bigint {
  const [high, low] = Lsn.parse(lsn).split("/") as [string, string];
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareLsn(a: string, b: string): number {
  const d = lsnValue(a) - lsnValue(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

/** The largest LSN written anywhere in `text`, or null (e.g. from pg_waldump's last error line). */
export function largestLsnIn(text: string): string | null {
  const found = text.match(/\b[0-9A-F]{1,8}\/[0-9A-F]{1,8}\b/gi) ?? [];
  let best: string | null = null;
  for (const lsn of found) if (best === null || compareLsn(lsn, best) > 0) best = lsn.toUpperCase();
  return best;
}
