// Password-guessing brake: at most `maxFailures` failed logins per key (email and client address)
// in a sliding window; further attempts are refused before any hash is computed.
import { RateLimitedError } from "@pgaas/common";

export interface LoginThrottle {
  check(key: string, now?: number): void;
  fail(key: string, now?: number): void;
  succeed(key: string): void;
}

/** Past this many keys, a failure first drops every key whose failures all left the window. */
const SWEEP_AT_KEYS = 10_000;

export function createLoginThrottle(maxFailures = 5, windowMs = 15 * 60_000): LoginThrottle {
  const failures = new Map<string, number[]>();
  const recent = (key: string, now: number) => (failures.get(key) ?? []).filter((at) => now - at < windowMs);
  return {
    check(key, now = Date.now()) {
      const times = recent(key, now);
      // Keep only keys with recent failures: guessed emails must not grow the map for ever.
      if (times.length === 0) failures.delete(key);
      else failures.set(key, times);
      const oldest = times[0];
      if (times.length >= maxFailures && oldest !== undefined) {
        throw new RateLimitedError(
          "too many failed logins; try again later",
          Math.ceil((oldest + windowMs - now) / 1000),
        );
      }
    },
    fail(key, now = Date.now()) {
      if (failures.size >= SWEEP_AT_KEYS) {
        for (const other of [...failures.keys()]) {
          if (recent(other, now).length === 0) failures.delete(other);
        }
      }
      failures.set(key, [...recent(key, now), now]);
    },
    succeed(key) {
      failures.delete(key);
    },
  };
}
