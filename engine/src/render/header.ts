// Every rendered file starts with the same do-not-edit header and the sha256 of its body, so a human
// sees where it came from and a diff (or Pulumi preview) can compare hashes without the bytes.
import { createHash } from "node:crypto";

export const MANAGED_NOTICE = "managed by pgaas — do not edit";

export function bodyHash(body: string): string {
  return createHash("sha256").update(body).digest("hex");
}

/** `# managed by pgaas — do not edit` + `# sha256: …` above the body; a shebang, if any, stays first. */
export function withHeader(body: string, options: { comment?: string; shebang?: string } = {}): string {
  const comment = options.comment ?? "#";
  const header = `${comment} ${MANAGED_NOTICE}\n${comment} sha256: ${bodyHash(body)}\n`;
  return `${options.shebang ? `${options.shebang}\n` : ""}${header}${body}`;
}

/** Sorted by key with plain code-unit order, so output never depends on locale or insertion order. */
export function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
