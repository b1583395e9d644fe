// Pure: figures of a report as a person reads them (binary sizes, percentages, UTC times).

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return "–";
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const sign = bytes < 0 ? "−" : "";
  return unit === 0 ? `${sign}${value} B` : `${sign}${value.toFixed(1)} ${UNITS[unit]}`;
}

export function formatNumber(value: number | null, digits = 0): string {
  return value === null
    ? "–"
    : value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatPercent(ratio: number | null): string {
  return ratio === null ? "–" : `${(ratio * 100).toFixed(2)} %`;
}

/** Uptime rounded down: any outage keeps it below 100 %, however short. */
export function formatUptime(ratio: number | null): string {
  if (ratio === null) return "–";
  // The epsilon keeps 0.9999 (which is 9998.999… in binary) at 99.99.
  return `${(Math.floor(ratio * 10_000 + 1e-6) / 100).toFixed(2)} %`;
}

/** `2026-11-29 10:00 UTC` (or `10:00:30 UTC` where seconds matter): one time zone everywhere, and it is stated. */
export function formatUtc(iso: string, withSeconds = false): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, withSeconds ? 19 : 16)} UTC`;
}

/** A length of time in its largest whole units: `1 min`, `6 h`, `1 d 2 h`. */
export function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [
    ["d", 86_400],
    ["h", 3600],
    ["min", 60],
    ["s", 1],
  ] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? "0 s" : parts.slice(0, 2).join(" ");
}
