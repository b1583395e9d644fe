// Progress events: every bootstrap/operation step reports start and end per host with its duration.

export type StepStatus = "start" | "done" | "skipped";

export interface ProgressEvent {
  readonly step: string;
  /** member name (node or witness), or "pair" for pair-wide steps */
  readonly host: string;
  readonly status: StepStatus;
  readonly changed: boolean;
  readonly durationMs: number;
  readonly detail?: string;
}

export type ProgressListener = (event: ProgressEvent) => void;

export interface StepTiming {
  readonly step: string;
  readonly host: string;
  readonly status: "done" | "skipped";
  readonly changed: boolean;
  readonly durationMs: number;
}

/** Runs steps, timing and reporting each; the outcome says whether it changed something or skipped. */
export class StepRunner {
  readonly timings: StepTiming[] = [];
  readonly #listener: ProgressListener;
  readonly #signal: AbortSignal | undefined;

  constructor(listener: ProgressListener = () => undefined, signal?: AbortSignal) {
    this.#listener = listener;
    this.#signal = signal;
  }

  async run(
    step: string,
    host: string,
    fn: () => Promise<{ changed: boolean; skipped?: boolean; detail?: string }>,
  ): Promise<boolean> {
    this.#signal?.throwIfAborted();
    const started = performance.now();
    this.#listener({ step, host, status: "start", changed: false, durationMs: 0 });
    const outcome = await fn();
    const durationMs = Math.round(performance.now() - started);
    const status = outcome.skipped ? "skipped" : "done";
    const event: ProgressEvent = {
      step,
      host,
      status,
      changed: outcome.changed,
      durationMs,
      ...(outcome.detail ? { detail: outcome.detail } : {}),
    };
    this.#listener(event);
    this.timings.push({ step, host, status, changed: outcome.changed, durationMs });
    return outcome.changed;
  }
}
