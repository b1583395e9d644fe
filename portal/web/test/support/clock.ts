// Pages poll with setInterval and compute report ranges from Date.now(). A component test freezes
// both, so every request is known in advance and a poll happens only when the test advances time.
// (The setup file puts real timers back after each test.)
import { beforeEach, vi } from "vitest";

export const NOW = "2026-11-29T22:00:00.000Z";

export function freezeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: new Date(NOW) });
  });
}
