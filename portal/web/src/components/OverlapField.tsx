// How long a rotated password keeps working beside the new one: the same choices wherever a database
// credential rotates (a grant's, the owner's), so clients can switch without a failed connection.
import { DEFAULT_OVERLAP_MINUTES } from "@pgaas/api";
import { SelectField } from "./fields.js";

const OVERLAPS = [
  { value: String(DEFAULT_OVERLAP_MINUTES), label: "1 hour" },
  { value: "1440", label: "24 hours" },
  { value: "10080", label: "7 days" },
  { value: "0", label: "Not at all: stop it now (after a leak)" },
] as const;

export const DEFAULT_OVERLAP = OVERLAPS[0].value;

export function OverlapField({ value, onChange }: { value: string; onChange: (value: string) => void }) {
  return (
    <SelectField
      label="The old password keeps working for"
      name="overlapMinutes"
      value={value}
      onChange={(event) => onChange(event.target.value)}
      options={OVERLAPS}
      hint="Sessions already open stay connected either way."
    />
  );
}
