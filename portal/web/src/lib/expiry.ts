// Date-times typed in forms (expiries, audit filters) → the ISO instants the API takes. The portal
// has one time zone, UTC: inputs are read in it just as every time is shown in it, never in the
// browser's own zone.

const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/;

/** `datetime-local` text, read as UTC → ISO instant; blank → none; anything else as typed (refused). */
export function utcInputToIso(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return undefined;
  return LOCAL_DATE_TIME.test(trimmed) ? new Date(`${trimmed}Z`).toISOString() : trimmed;
}

/** `date` input (yyyy-mm-dd) → end of that day in UTC; blank → no expiry. */
export function expiryDateToIso(date: string): string | undefined {
  return date.trim() === "" ? undefined : `${date.trim()}T23:59:59Z`;
}
