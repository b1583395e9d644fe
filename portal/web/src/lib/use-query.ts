// Loading/error/data state for one API read, with reload and optional polling. Enough for a portal
// whose pages each show a handful of resources; no cache shared between pages on purpose.
import { useCallback, useEffect, useRef, useState } from "react";

export type QueryState<T> =
  | { status: "loading" }
  | { status: "error"; error: unknown }
  | { status: "success"; data: T; refreshing: boolean };

export interface Query<T> {
  state: QueryState<T>;
  reload: () => void;
}

/**
 * Runs `fetcher` whenever `key` changes (and every `refreshMs` if set). A reload keeps showing the
 * previous data while it runs, so lists do not flash to a spinner.
 */
export function useQuery<T>(
  key: string,
  fetcher: (signal: AbortSignal) => Promise<T>,
  options: { refreshMs?: number } = {},
): Query<T> {
  const [state, setState] = useState<QueryState<T>>({ status: "loading" });
  const [generation, setGeneration] = useState(0);
  const fetcherRef = useRef(fetcher);
  fetcherRef.current = fetcher;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `generation` are the triggers; the fetcher is read through a ref.
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) =>
      previous.status === "success" ? { ...previous, refreshing: true } : { status: "loading" },
    );
    fetcherRef.current(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ status: "success", data, refreshing: false });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setState({ status: "error", error });
      },
    );
    return () => controller.abort();
  }, [key, generation]);

  useEffect(() => {
    if (!options.refreshMs) return;
    const timer = window.setInterval(() => setGeneration((n) => n + 1), options.refreshMs);
    return () => window.clearInterval(timer);
  }, [options.refreshMs]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { state, reload };
}

export type MutationState<R> =
  | { status: "idle" }
  | { status: "running" }
  | { status: "error"; error: unknown }
  | { status: "success"; result: R };

/** One write action: its running/error/result state and a `run` that never throws (true on success). */
export function useMutation<A, R>(action: (input: A) => Promise<R>) {
  const [state, setState] = useState<MutationState<R>>({ status: "idle" });
  const actionRef = useRef(action);
  actionRef.current = action;
  const run = useCallback(async (input: A): Promise<boolean> => {
    setState({ status: "running" });
    try {
      const result = await actionRef.current(input);
      setState({ status: "success", result });
      return true;
    } catch (error) {
      setState({ status: "error", error });
      return false;
    }
  }, []);
  const reset = useCallback(() => setState({ status: "idle" }), []);
  return { state, run, reset };
}
