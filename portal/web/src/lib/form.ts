// Form validation with the API's own zod schemas: the first message per field, keyed by field name.
// An empty field says "Required" rather than the schema's rule, which is clearer for a blank input;
// a rule without its own message is put in plain words (plainMessage), never zod's.
import { plainMessage } from "@pgaas/api";
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";
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
  const parsed = schema.safeParse(value, { error: plainMessage });
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join(".") || "_form";
    const blank = valueAt(value, issue.path) === "";
    errors[field] ??= blank ? "Required" : issue.message;
  }
  return { ok: false, errors };
}

/** Moves focus to the form's first control marked invalid (in document order). */
export function focusFirstInvalid(form: HTMLElement | null): void {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/**
 * A form's field errors. `show` replaces them and, once they are on screen, moves focus to the first
 * invalid field, so a keyboard or screen-reader user lands on what to fix instead of the submit button.
 */
export function useFieldErrors(): {
  errors: FieldErrors;
  formRef: RefObject<HTMLFormElement | null>;
  show: (errors: FieldErrors) => void;
  clear: (field: string) => void;
} {
  const [errors, setErrors] = useState<FieldErrors>({});
  const [shown, setShown] = useState(0);
  const formRef = useRef<HTMLFormElement | null>(null);
  useEffect(() => {
    if (shown > 0) focusFirstInvalid(formRef.current);
  }, [shown]);
  const show = useCallback((next: FieldErrors) => {
    setErrors(next);
    setShown((count) => count + 1);
  }, []);
  const clear = useCallback((field: string) => {
    setErrors((current) => (current[field] === undefined ? current : { ...current, [field]: undefined }));
  }, []);
  return { errors, formRef, show, clear };
}
