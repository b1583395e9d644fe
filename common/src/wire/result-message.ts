// A command outcome the agent reports as one line in its result's message, `<prefix><json>`, and the
// control plane reads back. A result holds 4000 characters: the list in it is cut from the end to fit.
import type { z } from "zod";

/** `prefix` and the JSON of `build(kept)`, `kept` the longest head of `items` that fits in `max` characters. */
export function fittedResultMessage<T>(
  prefix: string,
  max: number,
  items: readonly T[],
  build: (kept: readonly T[]) => unknown,
): string {
  const kept = [...items];
  const message = () => prefix + JSON.stringify(build(kept));
  while (kept.length > 0 && message().length > max) kept.pop();
  return message();
}

/** The JSON after `prefix`, checked by `schema`; null for any other message (a failure's code and reason). */
export function parseResultMessage<S extends z.ZodType>(
  message: string,
  prefix: string,
  schema: S,
): z.infer<S> | null {
  if (!message.startsWith(prefix)) return null;
  try {
    const parsed = schema.safeParse(JSON.parse(message.slice(prefix.length)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
