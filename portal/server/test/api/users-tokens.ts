// The story, part 5: API tokens, users, pair updates, agent token rotation, denied requests,
// deregistration and logout.
import { loginCookie, type Reply, stateReport, stateSample } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import {
  admin,
  call,
  errorBody,
  h,
  member,
  other,
  pairId,
  rememberAgentTokens,
  tokens,
} from "../support/api-story.js";

export function usersTokensAndPairLifecycle(): void {
  describe("users, tokens and pair lifecycle", () => {
    it("issues API tokens shown once, usable as Bearer, revocable", async () => {
      const created = await call("POST", "/v1/tokens", { auth: member, body: { name: "ci" } });
      expect(created.status).toBe(201);
      const { token, secret } = created.body as { token: { id: string; prefix: string }; secret: string };
      expect(secret.startsWith(token.prefix)).toBe(true);
      const me = await call("GET", "/v1/auth/me", { auth: { bearer: secret } });
      expect((me.body as { user: { email: string } }).user.email).toBe("member@example.com");
      const listed = await call("GET", "/v1/tokens", { auth: member });
      const tokensListed = (listed.body as { tokens: { id: string; lastUsedAt: string | null }[] }).tokens;
      expect(tokensListed.map((t) => [t.id, t.lastUsedAt !== null])).toEqual([[token.id, true]]);
      expect(listed.text).not.toContain(secret);
      expect((await call("DELETE", `/v1/tokens/${token.id}`, { auth: other })).status).toBe(404);
      expect((await call("DELETE", `/v1/tokens/${token.id}`, { auth: member })).status).toBe(204);
      const after = await call("GET", "/v1/auth/me", { auth: { bearer: secret } });
      expect(after.status).toBe(401);
      errorBody(after, "invalid_token", "invalid or expired token");
    });

    it("refuses a duplicate user and ends the sessions of a disabled one", async () => {
      const duplicate = await call("POST", "/v1/users", {
        auth: admin,
        body: { email: "Member@Example.com", password: "another-password-1", role: "member" },
      });
      expect(duplicate.status).toBe(409);
      errorBody(duplicate, "user_exists", "a user with this email exists", undefined, "email");
      const created = await call("POST", "/v1/users", {
        auth: admin,
        body: { email: "leaver@example.com", password: "leaver-password-1", role: "member" },
      });
      const leaverId = (created.body as { user: { id: string } }).user.id;
      const leaver = { cookie: await loginCookie(h, "leaver@example.com", "leaver-password-1") };
      const disabled = await call("PATCH", `/v1/users/${leaverId}`, {
        auth: admin,
        body: { disabled: true },
      });
      expect((disabled.body as { user: { disabled: boolean } }).user.disabled).toBe(true);
      const refused = await call("GET", "/v1/auth/me", { auth: leaver });
      expect(refused.status).toBe(401);
      errorBody(refused, "session_expired", "session expired; sign in again");
    });

    it("updates a pair idempotently and refuses renamed nodes", async () => {
      const nodes = [
        { name: "n1", address: "127.0.0.1", port: h.node.port, agentPort: 9187 },
        { name: "n2", address: "127.0.0.1", port: h.node.port, agentPort: 9189 },
      ];
      const body = { endpoint: { host: "127.0.0.1", port: h.node.port }, nodes };
      const first = await call("PUT", `/v1/pairs/${pairId}`, { auth: admin, body });
      const second = await call("PUT", `/v1/pairs/${pairId}`, { auth: admin, body });
      expect(first.status).toBe(200);
      const agentPorts = (reply: Reply) =>
        (reply.body as { pair: { nodes: { agentPort: number }[] } }).pair.nodes.map((n) => n.agentPort);
      expect([agentPorts(first), agentPorts(second)]).toEqual([
        [9187, 9189],
        [9187, 9189],
      ]);
      const renamed = await call("PUT", `/v1/pairs/${pairId}`, {
        auth: admin,
        body: { ...body, nodes: [nodes[0], { ...nodes[1], name: "n3" }] },
      });
      expect(renamed.status).toBe(400);
      errorBody(
        renamed,
        "node_names_changed",
        "node names cannot change; deregister and register the pair again",
        {
          unknown: ["n3"],
          known: ["n1", "n2"],
        },
      );
    });

    it("rotates agent tokens: the old ones stop working", async () => {
      const old = tokens.n1 as string;
      const rotated = await call("POST", `/v1/pairs/${pairId}/agent-tokens`, { auth: admin });
      expect(
        Object.keys((rotated.body as { agentTokens: Record<string, string> }).agentTokens).sort(),
      ).toEqual(["n1", "n2"]);
      rememberAgentTokens((rotated.body as { agentTokens: Record<string, string> }).agentTokens);
      const refused = await call("POST", "/v1/agent/report", {
        auth: { bearer: old },
        body: { reports: [stateReport(new Date(), stateSample())] },
      });
      expect(refused.status).toBe(401);
      const accepted = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n1 as string },
        body: {
          reports: [
            stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
          ],
        },
      });
      expect((accepted.body as { accepted: number }).accepted).toBe(1);
    });

    it("denies an access request and answers 404 for unknown ids and 400 for a reversed range", async () => {
      const created = await call("POST", "/v1/databases", { auth: member, body: { pairId, name: "ledger" } });
      expect(created.status).toBe(201);
      const databaseId = (created.body as { database: { id: string } }).database.id;
      const request = await call("POST", "/v1/access-requests", {
        auth: other,
        body: { databaseId, level: "read_write", reason: "ops" },
      });
      const requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
      const again = await call("POST", "/v1/access-requests", {
        auth: other,
        body: { databaseId, level: "read_only", reason: "ops" },
      });
      errorBody(again, "request_exists", "you already have an open request or a grant");
      const denied = await call("POST", `/v1/access-requests/${requestId}/deny`, {
        auth: admin,
        body: { note: "no" },
      });
      expect(
        (denied.body as { accessRequest: { state: string; decisionNote: string } }).accessRequest,
      ).toMatchObject({ state: "denied", decisionNote: "no" });
      const listed = await call("GET", "/v1/access-requests?state=denied", { auth: other });
      expect((listed.body as { accessRequests: { id: string }[] }).accessRequests.map((a) => a.id)).toEqual([
        requestId,
      ]);
      const missing = await call("GET", "/v1/pairs/00000000-0000-4000-8000-000000000000", { auth: member });
      expect(missing.status).toBe(404);
      errorBody(missing, "pair_not_found", "pair not found");
      const reversed = await call(
        "GET",
        `/v1/reports/databases/${databaseId}?from=2026-11-29T10:00:00Z&to=2026-11-29T09:00:00Z`,
        { auth: member },
      );
      expect(reversed.status).toBe(400);
      errorBody(reversed, "invalid_input", "invalid query", {
        query: [{ path: "", message: "from must be before to" }],
      });
    });

    it("deregisters a pair with databases only when forced", async () => {
      const refused = await call("DELETE", `/v1/pairs/${pairId}`, { auth: admin });
      errorBody(
        refused,
        "pair_has_databases",
        "the pair still has 1 database(s); pass force=true to deregister anyway",
        { databases: 1 },
      );
      expect((await call("DELETE", `/v1/pairs/${pairId}?force=true`, { auth: admin })).status).toBe(204);
      expect((await call("GET", `/v1/pairs/${pairId}`, { auth: admin })).status).toBe(404);
    });

    it("logs out: the session cookie no longer works", async () => {
      const session = { cookie: await loginCookie(h, "other@example.com", "member-password-1") };
      expect((await call("POST", "/v1/auth/logout", { auth: session })).status).toBe(204);
      expect((await call("GET", "/v1/auth/me", { auth: session })).status).toBe(401);
    });
  });
}
