// Form validation with the API's own zod schemas: the first message per field, keyed by field name.
// An empty field says "Required" rather than the schema's rule, which is clearer for a blank input.
import type { z } from "zod";

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

export type FieldErrors = Partial<Record<string, string>>;

export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || "_form";
    const blank = valueAt(value, issue.path) === "";
    errors[field] ??= blank ? "Required" : issue.message;
  }
  return { ok: false, errors };
}
