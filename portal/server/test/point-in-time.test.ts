// A look at the whole pair as of a point in time through the API with the real store: admins only
// (anybody else hears the pair does not exist), the target checked against the reported inventory
// with the database restore's codes and range messages before anything is queued, then a
// `describe_point_in_time` command for the streaming standby's agent (the primary's without one, and
// the look says so), one look at a time, and the agent's result read back as the databases at T or the
// failure's reason, with an event and its duration.

import { type BackupInventory, pointInTimeMessage } from "@pgaas/common/wire";
import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  metricsReport,
  pairRegistration,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMembers } from "./support/members.js";
import { checkResponses } from "./support/openapi-check.js";
import { recordedCalls } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let member: Auth;
let pairId = "";
let tokens: Record<string, string> = {};

const started = Date.now();
const iso = (msAgo: number) => new Date(started - msAgo).toISOString();
const RANGE = { restorableFrom: iso(2 * 3_600_000), restorableTo: iso(60_000) };
const RANGE_TEXT = `restorable from ${RANGE.restorableFrom} to ${RANGE.restorableTo}`;

const INVENTORY: BackupInventory = {
  stanza: "orders",
  statusCode: 0,
  statusMessage: "ok",
  backups: [
    {
      label: "20261207-010000F",
      type: "full",
      startedAt: new Date(Date.parse(RANGE.restorableFrom) - 4000).toISOString(),
      stoppedAt: RANGE.restorableFrom,
      databaseBytes: 31_000_000,
      repositoryBytes: 3_900_000,
      walStart: "000000010000000000000004",
      walStop: "000000010000000000000004",
    },
  ],
  walMin: "000000010000000000000001",
  walMax: "000000010000000000000009",
  ...RANGE,
  archiveLagSeconds: 0,
  archiveFailures: 0,
};

const { call, recorded } = recordedCalls(() => h);

const report = (node: string, reports: unknown[]) =>
  h.call("POST", "/v1/agent/report", { auth: { bearer: tokens[node] as string }, body: { reports } });
const primaryReport = () => report("n1", [stateReport(new Date(), stateSample())]);
const standbyReport = () =>
  report("n2", [
    stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
  ]);
const look = (body: unknown, auth: Auth = admin) =>
  call("POST", `/v1/pairs/${pairId}/point-in-time`, { auth, body });
const getLook = (id: string, auth: Auth = admin) =>
  call("GET", `/v1/pairs/${pairId}/point-in-time/${id}`, { auth });
const lookOf = (reply: { body: unknown }) => (reply.body as { look: Record<string, unknown> }).look;
const commandsOf = (reply: { body: unknown }) => (reply.body as { commands: unknown[] }).commands;
const errorOf = (reply: { status: number; body: unknown }) => {
  const { code, message } = (reply.body as { error: { code: string; message: string } }).error;
  return [reply.status, code, message];
};
const postResult = (node: string, id: string, outcome: "succeeded" | "failed", message: string, at: Date) =>
  h.call("POST", `/v1/agent/commands/${id}/result`, {
    auth: { bearer: tokens[node] as string },
    body: {
      outcome,
      startedAt: new Date(at.getTime() - 8200).toISOString(),
      finishedAt: at.toISOString(),
      message,
    },
  });
const lookEvents = async () =>
  (
    (await h.call("GET", `/v1/pairs/${pairId}/events?limit=50`, { auth: admin })).body as {
      events: { type: string; nodeName: string; message: string; durationMs: number; details: unknown }[];
    }
  ).events.filter((e) => e.type.startsWith("point_in_time"));

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  [member] = await createMembers(h, admin, ["member@example.com"]);
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const body = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  tokens = body.agentTokens;
});

afterAll(async () => {
  await h?.stop();
});

describe("look at the pair as of a point in time", () => {
  it("is not there for members, and needs a reported repository", async () => {
    const refused = await look({}, member);
    expect(errorOf(refused)).toEqual([404, "pair_not_found", "pair not found"]);
    const got = await getLook("6c1d4b5f-2e3a-4f7b-8c9d-8e7f6a5b4c3d", member);
    expect(errorOf(got)).toEqual([404, "pair_not_found", "pair not found"]);
    await primaryReport();
    const unconfigured = await look({});
    expect(errorOf(unconfigured).slice(0, 2)).toEqual([409, "backups_not_configured"]);
  });

  it("refuses a bad target with the database restore's codes, naming the range, and queues nothing", async () => {
    await report("n1", [metricsReport(new Date(), { backups: INVENTORY })]);
    const before = new Date(Date.parse(RANGE.restorableFrom) - 60_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const replies = [
      await look({ time: before }),
      await look({ time: future }),
      await look({ backup: "20010101-000000F" }),
      await look({ time: "yesterday" }),
    ];
    expect(replies.map(errorOf)).toEqual([
      [400, "restore_time_before_oldest_backup", `${before} is before the oldest backup: ${RANGE_TEXT}`],
      [400, "restore_time_in_future", `${future} is in the future: ${RANGE_TEXT}`],
      [404, "unknown_backup", `no backup 20010101-000000F in the repository: ${RANGE_TEXT}`],
      [400, "invalid_input", "invalid body"],
    ]);
    const { rows } = await h.server.services.store.query(
      "SELECT 1 FROM agent_commands WHERE pair_id = $1 AND type = 'describe_point_in_time'",
      [pairId],
    );
    expect(rows).toEqual([]);
  });

  it("falls back to the primary without a healthy standby and says so; its failure is the reason and an event", async () => {
    const time = iso(30 * 60_000);
    const requested = await look({ time });
    expect(requested.status).toBe(202);
    const queued = lookOf(requested);
    expect(queued).toMatchObject({
      pairId,
      nodeName: "n1",
      onStandby: false,
      time,
      backup: null,
      state: "running",
      finishedAt: null,
      databases: null,
      reason: null,
    });
    const ack = await primaryReport();
    expect(commandsOf(ack)).toEqual([
      {
        id: queued.id,
        type: "describe_point_in_time",
        requestedAt: queued.requestedAt,
        pointInTime: { time },
      },
    ]);
    expect(lookOf(await getLook(queued.id as string)).state).toBe("running");
    const at = new Date();
    const reason = "restore_check_failed: restore check of orders: database app did not answer";
    expect((await postResult("n1", queued.id as string, "failed", reason, at)).status).toBe(204);
    expect(lookOf(await getLook(queued.id as string))).toMatchObject({
      state: "failed",
      finishedAt: at.toISOString(),
      reason,
      databases: null,
    });
    expect(await lookEvents()).toEqual([
      expect.objectContaining({
        type: "point_in_time_failed",
        nodeName: "n1",
        durationMs: 8200,
        message: `look at the pair as of a point in time on n1 failed: ${reason}`,
      }),
    ]);
  });

  it("goes to the streaming standby, one look at a time, and reads back the databases at T", async () => {
    await standbyReport();
    const requested = await look({ backup: "20261207-010000F" });
    expect(requested.status).toBe(202);
    const queued = lookOf(requested);
    expect([queued.nodeName, queued.onStandby, queued.backup, queued.time]).toEqual([
      "n2",
      true,
      "20261207-010000F",
      null,
    ]);
    const again = await look({});
    expect(errorOf(again)).toEqual([
      409,
      "look_in_progress",
      "a look at this pair as of a point in time is already running",
    ]);
    expect(commandsOf(await primaryReport())).toEqual([]);
    expect(commandsOf(await standbyReport())).toEqual([
      {
        id: queued.id,
        type: "describe_point_in_time",
        requestedAt: queued.requestedAt,
        pointInTime: { backup: "20261207-010000F" },
      },
    ]);
    const databases = [
      { name: "app", owner: "app_owner", sizeBytes: 7_712_035, rowEstimate: 200 },
      { name: "postgres", owner: "postgres", sizeBytes: 7_570_211, rowEstimate: 0 },
    ];
    const at = new Date();
    const message = pointInTimeMessage({ databases, durationMs: 8100 });
    expect((await postResult("n2", queued.id as string, "succeeded", message, at)).status).toBe(204);
    expect(lookOf(await getLook(queued.id as string))).toEqual({
      ...queued,
      state: "done",
      finishedAt: at.toISOString(),
      databases,
      databaseCount: 2,
      durationMs: 8100,
    });
    expect((await lookEvents())[0]).toEqual(
      expect.objectContaining({
        type: "point_in_time_described",
        nodeName: "n2",
        durationMs: 8200,
        message: "look at the pair as of a point in time on n2: 2 databases",
        details: { databaseCount: 2, commandId: queued.id },
      }),
    );
    // Finished: the next look may start.
    expect((await look({})).status).toBe(202);
  });

  it("answers look_not_found for another command's id or an unknown one", async () => {
    const backup = await h.call("POST", `/v1/pairs/${pairId}/backups`, {
      auth: admin,
      body: { type: "full" },
    });
    const backupId = (backup.body as { request: { id: string } }).request.id;
    expect(errorOf(await getLook(backupId))).toEqual([404, "look_not_found", "no such look at this pair"]);
    expect(errorOf(await getLook("6c1d4b5f-2e3a-4f7b-8c9d-8e7f6a5b4c3d"))).toEqual([
      404,
      "look_not_found",
      "no such look at this pair",
    ]);
  });

  it("answers as the OpenAPI document says", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    expect(recorded.map((r) => r.status).sort()).toEqual([
      200, 200, 200, 202, 202, 202, 400, 400, 400, 404, 404, 404, 404, 404, 409, 409,
    ]);
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
