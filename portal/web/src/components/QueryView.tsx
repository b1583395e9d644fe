import type { ReactNode } from "react";
import type { Query } from "../lib/use-query.js";
import { ErrorAlert } from "./ErrorAlert.js";
import { Loading } from "./Loading.js";

/** Loading, error (with a retry) and data states of one query, the same on every page. */
export function QueryView<T>({
  query,
  loadingLabel,
  children,
}: {
  query: Query<T>;
  loadingLabel?: string;
  children: (data: T) => ReactNode;
}) {
  const { state, reload } = query;
  if (state.status === "loading") return <Loading label={loadingLabel} />;
  if (state.status === "error") {
    return (
      <div>
        <ErrorAlert error={state.error} />
        <button type="button" className="button button-secondary" onClick={reload}>
          Try again
        </button>
      </div>
    );
  }
  return <>{children(state.data)}</>;
}
