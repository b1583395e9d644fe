// Retry delays after control-plane failures: exponential, capped, with "equal jitter" (half fixed, half
// random) so a fleet of agents that lost the control plane together does not return in lockstep.
const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 15_000;

/** Delay before retry number `failures` (1 = after the first failure); `random` returns [0, 1). */
export function backoffDelayMs(failures: number, random: () => number): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, failures - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
