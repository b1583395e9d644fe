// The HTTP tests' members: created by the admin through the API, then logged in.
import { type Auth, type Harness, loginCookie, type Reply } from "@pgaas/testing/control-plane";
import { expect } from "vitest";

export const MEMBER_PASSWORD = "member-password-1";

type Call = (method: string, path: string, options: { body?: unknown; auth?: Auth }) => Promise<Reply>;

/**
 * Creates each member (201 expected) and returns their sessions in the order given. `call` lets a
 * test record the creations for its OpenAPI check; by default they go straight to the harness.
 */
export async function createMembers(
  h: Harness,
  admin: Auth,
  emails: readonly string[],
  call: Call = (method, path, options) => h.call(method, path, options),
): Promise<Auth[]> {
  for (const email of emails) {
    const created = await call("POST", "/v1/users", {
      auth: admin,
      body: { email, password: MEMBER_PASSWORD, role: "member" },
    });
    expect(created.status).toBe(201);
  }
  return Promise.all(emails.map(async (email) => ({ cookie: await loginCookie(h, email, MEMBER_PASSWORD) })));
}
