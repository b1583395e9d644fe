// Agent reports against the server's clock: a sample dated in the future is refused, and the current
// primary follows timeline, then receive time, so no agent clock can pin it; the stored state
// remembers since when a node's role and sync state hold.

import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  pairRegistration,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let h: Harness;
let admin: Auth;
let pairId = "";
let tokens: Record<string, string> = {};

const report = (node: string, reports: unknown[]) =>
  h.call("POST", "/v1/agent/report", { auth: { bearer: tokens[node] as string }, body: { reports } });
const primaryNow = async () =>
  ((await h.call("GET", `/v1/pairs/${pairId}`, { auth: admin })).body as { pair: { primary: string | null } })
    .pair.primary;
const inSeconds = (seconds: number) => new Date(Date.now() + seconds * 1000);

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  const pair = await h.call("POST", "/v1/pairs", {
    auth: admin,
    body: pairRegistration(h),
  });
  const body = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  tokens = body.agentTokens;
});

afterAll(async () => {
  await h?.stop();
});

describe("agent report clock", () => {
  it("refuses a batch holding a sample more than 5 s ahead, and stores none of it", async () => {
    const valid = stateReport(inSeconds(-1), stateSample());
    const future = stateReport(new Date("9999-12-31T23:59:59.000Z"), stateSample(), 2);
    const before = Date.now();
    const reply = await report("n2", [valid, future]);
    const body = reply.body as { error: { code: string; message: string; details: Record<string, string> } };
    expect([reply.status, body.error.code, body.error.message]).toEqual([
      400,
      "sampled_at_in_future",
      "sampledAt is more than 5 s ahead of the control plane's clock: check the node's time synchronisation",
    ]);
    expect(Object.keys(body.error.details).sort()).toEqual(["reportId", "sampledAt", "serverTime"]);
    expect([body.error.details.reportId, body.error.details.sampledAt]).toEqual([
      future.reportId,
      "9999-12-31T23:59:59.000Z",
    ]);
    expect(Date.parse(body.error.details.serverTime as string)).toBeGreaterThanOrEqual(before - 1000);
    expect(await primaryNow()).toBeNull();
    expect((await report("n2", [valid])).body).toEqual({ accepted: 1, duplicates: 0, commands: [] });
  });

  it("accepts a sample a few seconds ahead (clocks drift)", async () => {
    const reply = await report("n1", [stateReport(inSeconds(4), stateSample())]);
    expect([reply.status, reply.body]).toEqual([200, { accepted: 1, duplicates: 0, commands: [] }]);
  });
});

describe("current primary", () => {
  it("goes to the node reported last on the same timeline, whatever the sampledAt claims", async () => {
    // n1 claimed a sample 4 s ahead; n2 reporting afterwards with an honest clock still wins.
    await report("n2", [stateReport(inSeconds(0), stateSample())]);
    expect(await primaryNow()).toBe("n2");
    await report("n1", [stateReport(inSeconds(4.5), stateSample())]);
    expect(await primaryNow()).toBe("n1");
  });

  it("goes to the higher timeline even when the old primary reports later", async () => {
    await report("n2", [stateReport(inSeconds(1), stateSample({ timeline: 2 }))]);
    await report("n1", [stateReport(inSeconds(4.9), stateSample({ timeline: 1 }))]);
    expect(await primaryNow()).toBe("n2");
  });
});

describe("state since", () => {
  it("moves role_since on a role, writable or fenced change and sync_state_since on a sync change only", async () => {
    const registered = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h, "since") });
    const since = registered.body as { pair: { id: string }; agentTokens: Record<string, string> };
    const send = (sampledAt: Date, sample: Parameters<typeof stateSample>[0]) =>
      h.call("POST", "/v1/agent/report", {
        auth: { bearer: since.agentTokens.n1 as string },
        body: { reports: [stateReport(sampledAt, stateSample(sample))] },
      });
    const stored = async () => {
      const client = new pg.Client({ connectionString: h.store.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ role_since: Date; sync_state_since: Date }>(
          `SELECT s.role_since, s.sync_state_since FROM node_state s JOIN nodes n ON n.id = s.node_id
            WHERE n.pair_id = $1 AND n.name = 'n1'`,
          [since.pair.id],
        );
        return rows.map((row) => [row.role_since.getTime(), row.sync_state_since.getTime()]);
      } finally {
        await client.end();
      }
    };
    const t = Date.now() - 60_000;
    await send(new Date(t), {});
    await send(new Date(t + 2000), {});
    expect(await stored()).toEqual([[t, t]]);
    await send(new Date(t + 4000), { syncState: "degraded" });
    expect(await stored()).toEqual([[t, t + 4000]]);
    await send(new Date(t + 6000), { syncState: "degraded", fenced: true, writable: false });
    expect(await stored()).toEqual([[t + 6000, t + 4000]]);
    // An older sample arriving late changes nothing.
    await send(new Date(t + 1000), { role: "standby", writable: false, syncState: "none" });
    expect(await stored()).toEqual([[t + 6000, t + 4000]]);
  });
});
