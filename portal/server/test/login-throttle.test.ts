import { RateLimitedError } from "@pgaas/common";
import { describe, expect, it } from "vitest";
import { createLoginThrottle } from "../src/services/login-throttle.js";

const WINDOW_MS = 60_000;

function refusal(check: () => void): RateLimitedError | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (error instanceof RateLimitedError) return error;
    throw error;
  }
}

describe("login throttle", () => {
  it("refuses the attempt after the limit of failures until the oldest leaves the window", () => {
    const throttle = createLoginThrottle(3, WINDOW_MS);
    for (const at of [0, 1000, 2000]) {
      throttle.check("a@example.org|10.0.0.1", at);
      throttle.fail("a@example.org|10.0.0.1", at);
    }
    const refused = refusal(() => throttle.check("a@example.org|10.0.0.1", 10_000));
    expect(refused?.message).toBe("too many failed logins; try again later");
    expect(refused?.retryAfterSeconds).toBe(50);
    expect(refusal(() => throttle.check("b@example.org|10.0.0.1", 10_000))).toBeUndefined();
    expect(refusal(() => throttle.check("a@example.org|10.0.0.1", WINDOW_MS))).toBeUndefined();
  });

  it("forgets a key's failures after a successful login", () => {
    const throttle = createLoginThrottle(2, WINDOW_MS);
    throttle.fail("k", 0);
    throttle.fail("k", 1);
    expect(refusal(() => throttle.check("k", 2))).toBeInstanceOf(RateLimitedError);
    throttle.succeed("k");
    expect(refusal(() => throttle.check("k", 3))).toBeUndefined();
  });
});
