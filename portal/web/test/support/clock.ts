// Pages poll with setInterval and compute report ranges from Date.now(). A component test freezes
// both, so every request is known in advance and a poll happens only when the test advances time.
// While intervals are frozen, Testing Library's waitFor re-checks only when the DOM changes: wait
// for what the page shows, or release a held reply (which settles inside act), never for a bare
// condition. (The setup file puts real timers back after each test.)
import { beforeEach, vi } from "vitest";

export const NOW = "2026-11-29T22:00:00.000Z";

export function freezeClock(): void {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"], now: new Date(NOW) });
  });
}
