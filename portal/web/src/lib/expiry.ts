// Expiry dates typed in forms → the ISO instants the API takes.

/** `datetime-local` text (the browser's zone) → ISO instant; blank → no expiry. */
export function expiryToIso(local: string): string | undefined {
  if (local.trim() === "") return undefined;
  const instant = new Date(local);
  return Number.isNaN(instant.getTime()) ? local : instant.toISOString();
}

/** `date` input (yyyy-mm-dd) → end of that day in UTC; blank → no expiry. */
export function expiryDateToIso(date: string): string | undefined {
  return date.trim() === "" ? undefined : `${date.trim()}T23:59:59Z`;
}
