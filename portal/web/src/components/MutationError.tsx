import type { MutationState } from "../lib/use-query.js";
import { ErrorAlert } from "./ErrorAlert.js";

/** The error of a write action, when its last run failed. */
export function MutationError({ state }: { state: MutationState<unknown> }) {
  return state.status === "error" ? <ErrorAlert error={state.error} /> : null;
}
