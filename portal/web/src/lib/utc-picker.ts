// The portal's point-in-time pickers (a datetime-local input labelled UTC, seconds shown): their value
// read as UTC, and an instant shown in one.

/** `2026-12-07T03:05` → `2026-12-07T03:05:00Z`; blank → undefined (the latest state). */
export function utcPickerToIso(value: string): string | undefined {
  const time = value.trim();
  if (time === "") return undefined;
  return `${/T\d\d:\d\d$/.test(time) ? `${time}:00` : time}Z`;
}

/** `2026-12-07T03:05:09.000Z` → `2026-12-07T03:05:09`, the instant in UTC to the second. */
export function isoToUtcPicker(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19);
}
