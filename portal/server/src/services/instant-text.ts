// How an instant reads inside a sentence the API returns: ISO 8601 to the second, in UTC.

export function instantText(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** " since 2026-12-06T12:00:03Z", or nothing when the start is unknown. */
export function sinceText(at: Date | null): string {
  return at === null ? "" : ` since ${instantText(at)}`;
}
