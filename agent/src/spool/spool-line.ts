// One spooled report per line: `{"c":<class>,"r":<AgentReport>}\n`. The class decides drop order when
// the spool is full: metrics first, then routine state samples; state changes are never dropped.
import { AgentReport } from "@pgaas/common/wire";
import { z } from "zod";

export const SpoolClass = z.enum(["metrics", "state", "change"]);
export type SpoolClass = z.infer<typeof SpoolClass>;

/** Classes that may be dropped to keep the spool bounded, in the order they are dropped. */
export const DROP_ORDER = ["metrics", "state"] as const satisfies readonly SpoolClass[];
export type DroppableClass = (typeof DROP_ORDER)[number];

export interface SpoolEntry {
  readonly class: SpoolClass;
  readonly report: AgentReport;
}

const SpoolLine = z.object({ c: SpoolClass, r: AgentReport });

export function encodeSpoolLine(entry: SpoolEntry): string {
  return `${JSON.stringify({ c: entry.class, r: entry.report })}\n`;
}

/** null for a line that is not a whole, valid entry (e.g. the torn last line after a crash). */
export function decodeSpoolLine(line: string): SpoolEntry | null {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  const parsed = SpoolLine.safeParse(raw);
  return parsed.success ? { class: parsed.data.c, report: parsed.data.r } : null;
}
