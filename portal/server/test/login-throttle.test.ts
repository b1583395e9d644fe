import { RateLimitedError } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { type BackoffPolicy, backoffDelayMs, createLoginThrottle } from "../src/services/login-throttle.js";

const PAIR: BackoffPolicy = { freeFailures: 3, firstDelayMs: 1000, maxDelayMs: 8000, forgetAfterMs: 60_000 };
const CLIENT: BackoffPolicy = {
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 8000,
  forgetAfterMs: 60_000,
};

/** The seconds to wait when refused, or "ok" when admitted. */
function attempt(admit: () => void): number | "ok" {
  try {
    admit();
    return "ok";
  } catch (error) {
    if (error instanceof RateLimitedError) return error.retryAfterSeconds;
    throw error;
  }
}

describe("login throttle", () => {
  it("doubles the delay after the free failures, up to the cap", () => {
    expect([0, 2, 3, 4, 5, 6, 7, 50].map((failures) => backoffDelayMs(PAIR, failures))).toEqual([
      0, 0, 1000, 2000, 4000, 8000, 8000, 8000,
    ]);
  });

  it("counts each attempt when it arrives: a burst gets exactly the free attempts", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    const outcomes = Array.from({ length: 10 }, () =>
      attempt(() => throttle.admit("a@x.org", "10.0.0.1", 0)),
    );
    expect(outcomes).toEqual(["ok", "ok", "ok", 1, 1, 1, 1, 1, 1, 1]);
  });

  it("lets the pair try again after each growing delay", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    for (const at of [0, 1, 2]) throttle.admit("a@x.org", "10.0.0.1", at);
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 1001))).toBe(1);
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 1002))).toBe("ok");
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 3001))).toBe(1);
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 3002))).toBe("ok");
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 3003))).toBe(4);
  });

  it("slows only the guessing client: the same account from another client is admitted", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    for (const at of [0, 1, 2]) throttle.admit("admin@x.org", "10.6.6.6", at);
    expect(attempt(() => throttle.admit("admin@x.org", "10.6.6.6", 3))).toBe(1);
    expect(attempt(() => throttle.admit("admin@x.org", "10.0.0.2", 3))).toBe("ok");
  });

  it("slows one client spraying many accounts once its own free failures are spent", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    const outcomes = ["a", "b", "c", "d", "e", "f"].map((user) =>
      attempt(() => throttle.admit(`${user}@x.org`, "10.6.6.6", 0)),
    );
    expect(outcomes).toEqual(["ok", "ok", "ok", "ok", "ok", 1]);
    expect(attempt(() => throttle.admit("f@x.org", "10.0.0.2", 0))).toBe("ok");
  });

  it("forgets the pair's failures on success, and the client's count loses that attempt only", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    for (const at of [0, 1, 2]) throttle.admit("a@x.org", "10.0.0.1", at);
    throttle.succeeded("a@x.org", "10.0.0.1");
    // The client keeps its 2 wrong guesses: 3 more are free, then it waits.
    const outcomes = ["a", "b", "c", "d"].map((user, index) =>
      attempt(() => throttle.admit(`${user}@x.org`, "10.0.0.1", 3 + index)),
    );
    expect(outcomes).toEqual(["ok", "ok", "ok", 1]);
  });

  it("forgets a key after a quiet period", () => {
    const throttle = createLoginThrottle(PAIR, CLIENT);
    for (const at of [0, 1, 2]) throttle.admit("a@x.org", "10.0.0.1", at);
    expect(attempt(() => throttle.admit("a@x.org", "10.0.0.1", 3))).toBe(1);
    // Still remembered, a fourth failure would wait 2 s next; forgotten, three are free again.
    const outcomes = [60_003, 60_004, 60_005, 60_006].map((at) =>
      attempt(() => throttle.admit("a@x.org", "10.0.0.1", at)),
    );
    expect(outcomes).toEqual(["ok", "ok", "ok", 1]);
  });
});
