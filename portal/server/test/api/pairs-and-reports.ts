// The story, part 1: a pair is registered and its agents report; the registry shows the primary.
import {
  ADMIN_ROLE_PASSWORD,
  pairRegistration,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import {
  admin,
  call,
  errorBody,
  h,
  member,
  pairId,
  rememberN1WritableAt,
  rememberPair,
  tokens,
} from "../support/api-story.js";

export function pairsAndReports(): void {
  describe("pairs and agent reports", () => {
    it("registers a pair and shows one agent token per node once", async () => {
      const reply = await call("POST", "/v1/pairs", {
        auth: admin,
        body: pairRegistration(h),
      });
      expect(reply.status).toBe(201);
      const body = reply.body as {
        pair: { id: string; health: string; primary: null; nodes: unknown[] };
        agentTokens: Record<string, string>;
      };
      expect(Object.keys(body.agentTokens).sort()).toEqual(["n1", "n2"]);
      expect(body.pair.health).toBe("unknown");
      expect(body.pair.primary).toBeNull();
      expect(body.pair.nodes).toHaveLength(2);
      expect(reply.text).not.toContain(ADMIN_ROLE_PASSWORD);
      rememberPair(body.pair.id, body.agentTokens);
    });

    it("refuses a second pair with the same name", async () => {
      const reply = await call("POST", "/v1/pairs", {
        auth: admin,
        body: {
          name: "orders",
          endpoint: { host: "127.0.0.1", port: 5432 },
          nodes: [
            { name: "a", address: "127.0.0.1", port: 5432, agentPort: 9187 },
            { name: "b", address: "127.0.0.1", port: 5432, agentPort: 9187 },
          ],
          admin: { username: "x", password: "y" },
        },
      });
      expect(reply.status).toBe(409);
      errorBody(reply, "pair_exists", "a pair named orders exists", undefined, "name");
    });

    it("answers 503 no_primary with Retry-After before any report", async () => {
      const reply = await call("POST", "/v1/databases", { auth: member, body: { pairId, name: "early" } });
      expect(reply.status).toBe(503);
      expect(reply.headers.get("retry-after")).toBe("5");
      errorBody(reply, "no_primary", "the pair has no writable primary right now");
    });

    it("ingests reports idempotently and shows the primary", async () => {
      const t0 = new Date(Date.now() - 2000);
      rememberN1WritableAt(t0.getTime());
      const primaryReport = stateReport(t0, stateSample());
      const first = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n1 as string },
        body: { reports: [primaryReport] },
      });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({ accepted: 1, duplicates: 0, commands: [] });
      const replay = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n1 as string },
        body: { reports: [primaryReport] },
      });
      expect(replay.body).toEqual({ accepted: 0, duplicates: 1, commands: [] });
      const standby = stateReport(
        t0,
        stateSample({ role: "standby", writable: false, syncState: "none", lagBytes: 0, lagSeconds: 0 }),
      );
      await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n2 as string },
        body: { reports: [standby] },
      });
      const pair = await call("GET", `/v1/pairs/${pairId}`, { auth: member });
      expect(pair.status).toBe(200);
      const view = (
        pair.body as { pair: { primary: string; health: string; syncState: string; lagBytes: number } }
      ).pair;
      expect([view.primary, view.health, view.syncState, view.lagBytes]).toEqual([
        "n1",
        "healthy",
        "sync",
        0,
      ]);
    });

    it("rejects malformed reports with the field named", async () => {
      const reply = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n1 as string },
        body: { reports: [] },
      });
      expect(reply.status).toBe(400);
      errorBody(reply, "invalid_input", "invalid body", {
        body: [{ path: "reports", message: "At least 1 item." }],
      });
    });
  });
}
