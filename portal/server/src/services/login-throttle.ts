// Password-guessing brake. Every attempt is counted when it arrives, before the slow password check,
// so a parallel burst cannot slip past the count. The first few failures are free; after them each
// further attempt must wait a delay that doubles with every failure. Only the pair (account, client)
// slows down: a guesser elsewhere cannot lock a user out. A second, roomier brake per client (across
// accounts) slows one client spraying one password over many accounts.
import { RateLimitedError } from "@pgaas/common";

export interface BackoffPolicy {
  /** Failures allowed without any delay. */
  readonly freeFailures: number;
  /** The wait after the first failure past the free ones; it doubles with each further failure. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
  /** A key's failures are forgotten after this long without an attempt. */
  readonly forgetAfterMs: number;
}

// Five typos are free; then 10 s, 20 s, 40 s … up to 15 min between guesses from that client.
export const ACCOUNT_CLIENT_POLICY: BackoffPolicy = {
  freeFailures: 5,
  firstDelayMs: 10_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

export const CLIENT_POLICY: BackoffPolicy = {
  freeFailures: 30,
  firstDelayMs: 10_000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 60 * 60_000,
};

/** Past this many keys the least recently tried one is dropped, so guessed emails cannot grow memory. */
const MAX_KEYS = 100_000;

export interface LoginThrottle {
  /**
   * Admits one attempt of `account` from `client`, or throws RateLimitedError (with the seconds to
   * wait). An admitted attempt counts as a failure until `succeeded` is called for it.
   */
  admit(account: string, client: string, now?: number): void;
  /**
   * The admitted attempt was right: the pair's failures are forgotten; the client's count loses only
   * this attempt, so logging in to one's own account does not wipe a spraying client's record.
   */
  succeeded(account: string, client: string): void;
}

interface KeyState {
  failures: number;
  lastAttemptAt: number;
}

/** How long after its last attempt a key with `failures` failures must wait. */
export function backoffDelayMs(policy: BackoffPolicy, failures: number): number {
  if (failures < policy.freeFailures) return 0;
  const doublings = Math.min(failures - policy.freeFailures, 30);
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** doublings);
}

export function createLoginThrottle(
  accountClient: BackoffPolicy = ACCOUNT_CLIENT_POLICY,
  perClient: BackoffPolicy = CLIENT_POLICY,
): LoginThrottle {
  const keys = new Map<string, KeyState>();
  const pairKey = (account: string, client: string) => `pair:${account}\u0000${client}`;
  const clientKey = (client: string) => `client:${client}`;

  const current = (key: string, policy: BackoffPolicy, now: number): KeyState | undefined => {
    const state = keys.get(key);
    if (state !== undefined && now - state.lastAttemptAt > policy.forgetAfterMs) {
      keys.delete(key);
      return undefined;
    }
    return state;
  };
  const waitMs = (key: string, policy: BackoffPolicy, now: number): number => {
    const state = current(key, policy, now);
    if (state === undefined) return 0;
    return Math.max(0, state.lastAttemptAt + backoffDelayMs(policy, state.failures) - now);
  };
  const count = (key: string, policy: BackoffPolicy, now: number): void => {
    const failures = (current(key, policy, now)?.failures ?? 0) + 1;
    // Re-inserting keeps the map in least-recently-tried order for the eviction below.
    keys.delete(key);
    keys.set(key, { failures, lastAttemptAt: now });
    while (keys.size > MAX_KEYS) {
      const oldest = keys.keys().next().value;
      if (oldest === undefined) break;
      keys.delete(oldest);
    }
  };

  return {
    admit(account, client, now = Date.now()) {
      const wait = Math.max(
        waitMs(pairKey(account, client), accountClient, now),
        waitMs(clientKey(client), perClient, now),
      );
      if (wait > 0) {
        throw new RateLimitedError("too many failed logins; try again later", Math.ceil(wait / 1000));
      }
      // Counted before any await: concurrent attempts see each other.
      count(pairKey(account, client), accountClient, now);
      count(clientKey(client), perClient, now);
    },
    succeeded(account, client) {
      keys.delete(pairKey(account, client));
      const state = keys.get(clientKey(client));
      if (state !== undefined) state.failures = Math.max(0, state.failures - 1);
    },
  };
}
