// The HTTP tests' shared way to call the harness: every reply is kept so the test can check all of
// them against the OpenAPI document at its end, and an error reply's stable code is read one way.
import type { Auth, Harness, Reply } from "@pgaas/testing/control-plane";
import type { Recorded } from "./openapi-check.js";

/**
 * A `call` that records each reply into `recorded`. The harness is passed as a getter because tests
 * start it in `beforeAll`, after the module has built its caller.
 */
export function recordedCalls(harness: () => Harness) {
  const recorded: Recorded[] = [];
  async function call(method: string, path: string, options: { body?: unknown; auth?: Auth } = {}) {
    const reply = await harness().call(method, path, options);
    recorded.push({ method, path, status: reply.status, body: reply.body });
    return reply;
  }
  return { call, recorded };
}

/** The stable code of an error reply (`{ error: { code } }`). */
export const errorCode = (reply: Pick<Reply, "body">) =>
  (reply.body as { error: { code: string } }).error.code;
