// The story, part 4: every route refuses anonymous callers and the wrong kind of credential.
import { ROUTES } from "@pgaas/api";
import type { Auth } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import { admin, call, errorBody, member, tokens } from "../support/api-story.js";

export function authMatrix(): void {
  describe("auth matrix", () => {
    const sampleId = "00000000-0000-4000-8000-000000000000";
    const pathOf = (path: string) => path.replace(/:id/g, sampleId);

    it.each(ROUTES.filter((route) => route.auth !== "public").map((route) => [route.id, route] as const))(
      "%s: anonymous 401, wrong credential kind 403",
      async (_id, route) => {
        const body = route.method === "get" ? {} : { body: {} };
        const anonymous = await call(route.method.toUpperCase(), pathOf(route.path), body);
        expect(anonymous.status).toBe(401);
        errorBody(anonymous, "unauthenticated", "authentication required");
        const wrongKind: Auth = route.auth === "agent" ? admin : { bearer: tokens.n1 as string };
        const forbidden = await call(route.method.toUpperCase(), pathOf(route.path), {
          auth: wrongKind,
          ...body,
        });
        expect(forbidden.status).toBe(403);
      },
    );

    it.each(ROUTES.filter((route) => route.auth === "admin").map((route) => [route.id, route] as const))(
      "%s: members get 403",
      async (_id, route) => {
        const reply = await call(route.method.toUpperCase(), pathOf(route.path), {
          auth: member,
          ...(route.method === "get" ? {} : { body: {} }),
        });
        expect(reply.status).toBe(403);
        errorBody(reply, "forbidden", "admins only");
      },
    );

    it("refuses a forged or rotated agent token", async () => {
      const forged = await call("POST", "/v1/agent/report", {
        auth: { bearer: `pgaas_agent_${"A".repeat(43)}` },
        body: {},
      });
      expect(forged.status).toBe(401);
      errorBody(forged, "invalid_token", "invalid or expired token");
    });

    it("answers a session cookie with a malformed escape as an expired session, not a server error", async () => {
      const reply = await call("GET", "/v1/auth/me", { auth: { cookie: "pgaas_session=%E0%A4%A" } });
      expect(reply.status).toBe(401);
      errorBody(reply, "session_expired", "session expired; sign in again");
    });
  });
}
