import { serverFieldErrors } from "../lib/error-messages.js";
import type { MutationState } from "../lib/use-query.js";
import { ErrorAlert } from "./ErrorAlert.js";

/**
 * The error of a write action, when its last run failed; nothing when the error belongs on one of
 * the form's `fields` (the form shows it there).
 */
export function MutationError({
  state,
  fields = [],
}: {
  state: MutationState<unknown>;
  fields?: readonly string[];
}) {
  if (state.status !== "error" || serverFieldErrors(state.error, fields) !== undefined) return null;
  return <ErrorAlert error={state.error} />;
}
