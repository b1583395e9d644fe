// Runs the alert outbox on a timer: a tick is skipped while the previous one still runs (a slow
// receiver delays sending rather than stacking ticks), and stop() waits for the running tick so the
// store is not closed under it.
import type { Logger } from "@pgaas/common";
import type { AlertDelivery } from "./alert-delivery.js";

export function startAlertTicks(
  outbox: AlertDelivery,
  everyMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running !== undefined) return;
    running = outbox
      .deliverDue(new Date())
      .then(() => undefined)
      .catch((error: unknown) => logger.warn("alert delivery failed", { error }))
      .finally(() => {
        running = undefined;
      });
  }, everyMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
