// The time range of charts and reports, as a labelled select; the value is an hour count.
import { SelectField } from "./fields.js";

const RANGE_OPTIONS: readonly { value: string; label: string }[] = [
  { value: "1", label: "Last hour" },
  { value: "6", label: "Last 6 hours" },
  { value: "24", label: "Last 24 hours" },
  { value: "168", label: "Last 7 days" },
  { value: "720", label: "Last 30 days" },
];

export function RangePicker({ hours, onChange }: { hours: number; onChange: (hours: number) => void }) {
  return (
    <SelectField
      label="Time range"
      options={RANGE_OPTIONS}
      value={String(hours)}
      onChange={(event) => onChange(Number(event.target.value))}
    />
  );
}

/** ISO bounds of "the last N hours" ending now, for `from`/`to` query parameters. */
export function rangeBounds(hours: number, now: number = Date.now()): { from: string; to: string } {
  return { from: new Date(now - hours * 3_600_000).toISOString(), to: new Date(now).toISOString() };
}
