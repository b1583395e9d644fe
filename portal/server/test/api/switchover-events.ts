// The story, part 3: a failover measured from the reports, a superseded primary, and a switchover
// refused, then delivered to the standby's agent and its result recorded.
import { stateReport, stateSample } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import {
  admin,
  call,
  errorBody,
  member,
  n1WritableAt,
  n2PromotedAt,
  pairId,
  rememberN2PromotedAt,
  tokens,
} from "../support/api-story.js";

export function switchoverEvents(): void {
  describe("failover and switchover events", () => {
    it("follows a failover: newest writable report wins and an event is measured", async () => {
      const t = Date.now();
      rememberN2PromotedAt(t);
      await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n2 as string },
        body: { reports: [stateReport(new Date(t), stateSample({ timeline: 2, syncState: "degraded" }))] },
      });
      const pair = await call("GET", `/v1/pairs/${pairId}`, { auth: member });
      expect((pair.body as { pair: { primary: string; health: string } }).pair).toMatchObject({
        primary: "n2",
        health: "degraded",
      });
      const events = await call("GET", `/v1/pairs/${pairId}/events?limit=10`, { auth: member });
      const list = (
        events.body as { events: { type: string; nodeName: string | null; durationMs: number | null }[] }
      ).events;
      expect(list.map((event) => [event.type, event.nodeName, event.durationMs]).sort()).toEqual([
        ["failover", "n2", t - n1WritableAt],
        ["registered", null, null],
        ["role_changed", "n2", null],
        ["settings_changed", null, null],
      ]);
    });

    const report = (token: string | undefined, sample: Parameters<typeof stateSample>[0]) =>
      call("POST", "/v1/agent/report", {
        auth: { bearer: token as string },
        body: { reports: [stateReport(new Date(), stateSample(sample))] },
      });
    const requestSwitchover = () =>
      call("POST", `/v1/pairs/${pairId}/switchover`, { auth: admin, body: { confirm: "orders" } });

    it("shows one writable primary when the old one reports again, and refuses to switch over to it", async () => {
      // The old primary after a partition healed: its report is the newest, its timeline the older.
      await report(tokens.n1, { timeline: 1 });
      const pair = (await call("GET", `/v1/pairs/${pairId}`, { auth: member })).body as {
        pair: { primary: string; nodes: { name: string; state: string; writable: boolean }[] };
      };
      expect([pair.pair.primary, pair.pair.nodes.map((n) => [n.name, n.state, n.writable])]).toEqual([
        "n2",
        [
          ["n1", "superseded", false],
          ["n2", "reporting", true],
        ],
      ]);
      const refused = await requestSwitchover();
      expect(refused.status).toBe(409);
      errorBody(
        refused,
        "switchover_target_superseded",
        "n1 is a superseded primary, not a standby: it must be rejoined first",
        { primary: "n2", target: "n1" },
      );
    });

    it("refuses a switchover to a standby the primary does not replicate to synchronously", async () => {
      await report(tokens.n1, { role: "standby", writable: false, syncState: "none" });
      const pair = (await call("GET", `/v1/pairs/${pairId}`, { auth: member })).body as {
        pair: { health: string; reason: unknown; switchover: unknown };
      };
      const since = new Date(n2PromotedAt).toISOString();
      expect([pair.pair.health, pair.pair.reason]).toEqual([
        "degraded",
        {
          code: "sync_degraded",
          node: "n2",
          since,
          message: `n2 runs without a synchronous standby since ${since.replace(/\.\d{3}Z$/, "Z")}: commits are not synchronously replicated, so they exist only on n2`,
        },
      ]);
      const refused = await requestSwitchover();
      expect(refused.status).toBe(409);
      errorBody(
        refused,
        "switchover_target_not_sync",
        "n1 is not a synchronous standby (n2 replication is degraded): promoting it could lose acknowledged commits",
        { primary: "n2", target: "n1" },
      );
      // Refused means nothing was queued: the newest event is still n1's rejoin, not a request.
      const events = await call("GET", `/v1/pairs/${pairId}/events?limit=1`, { auth: admin });
      expect(
        (events.body as { events: { type: string; nodeName: string }[] }).events.map((e) => [
          e.type,
          e.nodeName,
        ]),
      ).toEqual([["role_changed", "n1"]]);
    });

    it("delivers a switchover to the standby's agent and records its result", async () => {
      const wrong = await call("POST", `/v1/pairs/${pairId}/switchover`, {
        auth: admin,
        body: { confirm: "nope" },
      });
      expect(wrong.status).toBe(400);
      // n1 streams again and n2 replicates to it synchronously.
      await report(tokens.n1, { role: "standby", writable: false, syncState: "none" });
      await report(tokens.n2, { timeline: 2, syncState: "sync" });
      const requested = await call("POST", `/v1/pairs/${pairId}/switchover`, {
        auth: admin,
        body: { confirm: "orders" },
      });
      expect(requested.status).toBe(202);
      const command = (requested.body as { command: { id: string; nodeName: string; state: string } })
        .command;
      expect([command.nodeName, command.state]).toEqual(["n1", "pending"]);
      const ack = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens.n1 as string },
        body: {
          reports: [
            stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
          ],
        },
      });
      expect(
        (ack.body as { commands: { id: string; type: string }[] }).commands.map((c) => [c.id, c.type]),
      ).toEqual([[command.id, "switchover"]]);
      const foreign = await call("POST", `/v1/agent/commands/${command.id}/result`, {
        auth: { bearer: tokens.n2 as string },
        body: {
          outcome: "succeeded",
          startedAt: "2026-11-29T21:00:00.000Z",
          finishedAt: "2026-11-29T21:00:04.000Z",
          message: "",
        },
      });
      expect(foreign.status).toBe(403);
      const started = Date.now();
      const result = await call("POST", `/v1/agent/commands/${command.id}/result`, {
        auth: { bearer: tokens.n1 as string },
        body: {
          outcome: "succeeded",
          startedAt: new Date(started).toISOString(),
          finishedAt: new Date(started + 4000).toISOString(),
          message: "done",
        },
      });
      expect(result.status).toBe(204);
      const events = await call("GET", `/v1/pairs/${pairId}/events?limit=1`, { auth: admin });
      expect(
        (events.body as { events: { type: string; durationMs: number }[] }).events.map((e) => [
          e.type,
          e.durationMs,
        ]),
      ).toEqual([["switchover_succeeded", 4000]]);
    });
  });
}
