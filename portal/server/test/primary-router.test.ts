// The router against a real PostgreSQL: re-resolves and retries once after a refused connection or a
// read-only refusal, retries other mid-operation losses only when idempotent, and says no_primary.
import { Secret, UnavailableError } from "@pgaas/common";
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onPrimary } from "../src/managed/primary-router.js";
import type { NodeTarget, PairAccess } from "../src/services/pairs.js";

let server: ThrowawayPostgres;
let deadPort: number;

beforeAll(async () => {
  server = await startThrowawayPostgres("pgs-router");
  deadPort = await freePort();
});

afterAll(async () => {
  await server?.stop();
});

const target = (nodeName: string, port: number): NodeTarget => ({
  nodeName,
  host: "127.0.0.1",
  port,
  user: "postgres",
  password: new Secret(server.password),
  caCertificate: null,
});

/** A pair whose primary() answers the given targets in turn (the last one repeats). */
function pairAnswering(...answers: (NodeTarget | undefined)[]): PairAccess & { resolutions: number } {
  const access = {
    resolutions: 0,
    pair: {} as PairAccess["pair"],
    nodes: [],
    async primary() {
      const answer = answers[Math.min(access.resolutions, answers.length - 1)];
      access.resolutions += 1;
      return answer;
    },
  };
  return access;
}

const whoAmI = {
  database: "postgres",
  idempotent: false,
  run: async (_client: unknown, primary: NodeTarget) => primary.nodeName,
};

describe("onPrimary", () => {
  it("re-resolves after a refused connection and runs on the new primary", async () => {
    const pair = pairAnswering(target("old", deadPort), target("new", server.port));
    expect(await onPrimary(pair, whoAmI)).toBe("new");
    expect(pair.resolutions).toBe(2);
  });

  it("retries a write refused as read-only even when not idempotent", async () => {
    const pair = pairAnswering(target("demoted", server.port), target("promoted", server.port));
    let attempts = 0;
    const result = await onPrimary(pair, {
      database: "postgres",
      idempotent: false,
      async run(client, primary) {
        attempts += 1;
        if (attempts === 1) await client.query("BEGIN READ ONLY; CREATE TABLE t (x int)");
        return primary.nodeName;
      },
    });
    expect([result, attempts]).toEqual(["promoted", 2]);
  });

  it("does not repeat a non-idempotent operation after a mid-operation loss", async () => {
    const pair = pairAnswering(target("a", server.port));
    let attempts = 0;
    const lost = Object.assign(new Error("terminating connection due to administrator command"), {
      code: "57P01",
    });
    await expect(
      onPrimary(pair, {
        database: "postgres",
        idempotent: false,
        async run() {
          attempts += 1;
          throw lost;
        },
      }),
    ).rejects.toBe(lost);
    expect(attempts).toBe(1);
    let idempotentAttempts = 0;
    await expect(
      onPrimary(pair, {
        database: "postgres",
        idempotent: true,
        async run() {
          idempotentAttempts += 1;
          throw lost;
        },
      }),
    ).rejects.toThrow("the primary could not be reached");
    expect(idempotentAttempts).toBe(2);
  });

  it("answers no_primary with a retry hint when no node is writable", async () => {
    const error = await onPrimary(pairAnswering(undefined), whoAmI).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnavailableError);
    expect([(error as UnavailableError).code, (error as UnavailableError).retryAfterSeconds]).toEqual([
      "no_primary",
      5,
    ]);
    const twiceDead = await onPrimary(pairAnswering(target("x", deadPort)), whoAmI).catch(
      (caught: unknown) => caught,
    );
    expect([(twiceDead as UnavailableError).code, (twiceDead as Error).message]).toEqual([
      "no_primary",
      "the primary could not be reached",
    ]);
  });
});
