// Backups through the control plane with the real store: the primary's agent reports the inventory
// with its metrics, "take a backup now" becomes a `backup` command in that agent's acknowledgement,
// and its result becomes an event and the request's state.

import { type BackupInventory, restoreCheckMessage } from "@pgaas/common/wire";
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
import { errorCode } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let pairId = "";
let tokens: Record<string, string> = {};

const INVENTORY: BackupInventory = {
  stanza: "orders",
  statusCode: 0,
  statusMessage: "ok",
  backups: [
    {
      label: "20261206-101500F",
      type: "full",
      startedAt: "2026-12-06T10:15:00.000Z",
      stoppedAt: "2026-12-06T10:15:04.000Z",
      databaseBytes: 31_000_000,
      repositoryBytes: 3_900_000,
      walStart: "000000010000000000000004",
      walStop: "000000010000000000000004",
    },
  ],
  walMin: "000000010000000000000001",
  walMax: "000000010000000000000009",
  restorableFrom: "2026-12-06T10:15:04.000Z",
  restorableTo: "2026-12-06T10:40:00.000Z",
  archiveLagSeconds: 0,
  archiveFailures: 0,
};

const report = (node: string, reports: unknown[]) =>
  h.call("POST", "/v1/agent/report", { auth: { bearer: tokens[node] as string }, body: { reports } });
const backups = async () => (await h.call("GET", `/v1/pairs/${pairId}/backups`, { auth: admin })).body;
const take = (body: unknown) => h.call("POST", `/v1/pairs/${pairId}/backups`, { auth: admin, body });
const commandsOf = (reply: { body: unknown }) => (reply.body as { commands: unknown[] }).commands;

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const body = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  tokens = body.agentTokens;
});

afterAll(async () => {
  await h?.stop();
});

describe("backup inventory", () => {
  it("is empty until the primary's agent reports one, and a backup cannot be requested before", async () => {
    expect(await backups()).toEqual({
      inventory: null,
      reportedAt: null,
      reportedBy: null,
      requests: [],
      lastVerification: null,
    });
    const refused = await take({ type: "full" });
    expect([refused.status, errorCode(refused)]).toEqual([409, "backups_not_configured"]);
  });

  it("keeps the newest reported inventory; a late (spooled) older one does not replace it", async () => {
    await report("n1", [stateReport(new Date(), stateSample())]);
    const at = new Date(Date.now() - 1000);
    expect((await report("n1", [metricsReport(at, { backups: INVENTORY })])).status).toBe(200);
    const older = { ...INVENTORY, backups: [], restorableFrom: null };
    await report("n1", [metricsReport(new Date(at.getTime() - 60_000), { backups: older })]);
    expect(await backups()).toEqual({
      inventory: INVENTORY,
      reportedAt: at.toISOString(),
      reportedBy: "n1",
      requests: [],
      lastVerification: null,
    });
  });

  it("refuses an inventory that is not one (the wire schema holds at the boundary)", async () => {
    const bad = { ...INVENTORY, archiveLagSeconds: -1 };
    const reply = await report("n1", [metricsReport(new Date(), { backups: bad })]);
    expect(reply.status).toBe(400);
    expect(((await backups()) as { inventory: BackupInventory }).inventory).toEqual(INVENTORY);
  });
});

describe("take a backup now", () => {
  it("refuses an unknown backup type", async () => {
    const reply = await take({ type: "snapshot" });
    expect([reply.status, errorCode(reply)]).toEqual([400, "invalid_input"]);
  });

  it("hands a diff backup to the primary's agent once, refuses a second while it runs, records the result", async () => {
    const requested = await take({ type: "diff" });
    expect(requested.status).toBe(202);
    const request = (requested.body as { request: Record<string, unknown> }).request;
    expect([request.nodeName, request.backupType, request.state, request.finishedAt]).toEqual([
      "n1",
      "diff",
      "pending",
      null,
    ]);
    const again = await take({ type: "full" });
    expect([again.status, errorCode(again)]).toEqual([409, "backup_in_progress"]);

    expect(
      commandsOf(
        await report("n2", [
          stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
        ]),
      ),
    ).toEqual([]);
    const ack = await report("n1", [stateReport(new Date(), stateSample())]);
    expect(commandsOf(ack)).toEqual([
      { id: request.id, type: "backup", backupType: "diff", requestedAt: request.requestedAt },
    ]);
    expect(commandsOf(await report("n1", [stateReport(new Date(), stateSample())]))).toEqual([]);

    const started = Date.now() - 2500;
    const result = await h.call("POST", `/v1/agent/commands/${request.id}/result`, {
      auth: { bearer: tokens.n1 as string },
      body: {
        outcome: "succeeded",
        startedAt: new Date(started).toISOString(),
        finishedAt: new Date(started + 2500).toISOString(),
        message: "diff backup completed",
      },
    });
    expect(result.status).toBe(204);
    const listed = (await backups()) as { requests: Record<string, unknown>[] };
    expect(listed.requests.map((r) => [r.id, r.state, r.message, r.finishedAt])).toEqual([
      [request.id, "succeeded", "diff backup completed", new Date(started + 2500).toISOString()],
    ]);
    const events = await h.call("GET", `/v1/pairs/${pairId}/events?limit=2`, { auth: admin });
    expect(
      (events.body as { events: { type: string; message: string; durationMs: number | null }[] }).events.map(
        (e) => [e.type, e.message, e.durationMs],
      ),
    ).toEqual([
      ["backup_succeeded", "diff backup taken by n1", 2500],
      ["backup_requested", "diff backup requested on n1", null],
    ]);
  });

  it("records a failed backup as a backup_failed event with pgBackRest's words", async () => {
    const requested = await take({});
    const request = (requested.body as { request: { id: string; backupType: string } }).request;
    expect(request.backupType).toBe("full");
    await report("n1", [stateReport(new Date(), stateSample())]);
    const now = new Date().toISOString();
    await h.call("POST", `/v1/agent/commands/${request.id}/result`, {
      auth: { bearer: tokens.n1 as string },
      body: {
        outcome: "failed",
        startedAt: now,
        finishedAt: now,
        message: "pgbackrest full backup exited 56: x",
      },
    });
    const events = await h.call("GET", `/v1/pairs/${pairId}/events?limit=1`, { auth: admin });
    expect((events.body as { events: { type: string; message: string }[] }).events[0]).toMatchObject({
      type: "backup_failed",
      message: "full backup by n1 failed: pgbackrest full backup exited 56: x",
    });
  });

  it("needs a primary", async () => {
    await report("n1", [
      stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
    ]);
    const reply = await take({ type: "full" });
    expect([reply.status, errorCode(reply)]).toEqual([409, "no_primary"]);
  });
});

describe("backup schedule", () => {
  it("starts the clock on first sight, then requests the due full backup once through the same command", async () => {
    await report("n1", [stateReport(new Date(), stateSample())]);
    const schedule = { full: "0 1 * * 0", differential: "0 1 * * 1-6" };
    await report("n1", [metricsReport(new Date(), { backups: { ...INVENTORY, schedule } })]);
    const backupsService = h.server.services.backups;
    // Sunday 2026-12-06 00:59: first sight, nothing runs retroactively.
    expect(await backupsService.runSchedules(new Date("2026-12-06T00:59:30Z"))).toBe(0);
    expect(await backupsService.runSchedules(new Date("2026-12-06T01:00:20Z"))).toBe(1);
    expect(await backupsService.runSchedules(new Date("2026-12-06T01:00:50Z"))).toBe(0);
    const listed = (await backups()) as { requests: { backupType: string; state: string }[] };
    expect(listed.requests[0]).toMatchObject({ backupType: "full", state: "pending" });
    const events = await h.call("GET", `/v1/pairs/${pairId}/events?limit=100`, { auth: admin });
    const scheduled = (events.body as { events: { message: string; occurredAt: string }[] }).events.filter(
      (e) => e.message.startsWith("scheduled"),
    );
    expect(scheduled).toMatchObject([
      { message: "scheduled full backup requested on n1", occurredAt: "2026-12-06T01:00:20.000Z" },
    ]);
  });
});

describe("restore check", () => {
  const verify = () => h.call("POST", `/v1/pairs/${pairId}/backups/verify`, { auth: admin });
  const standbyReport = () =>
    report("n2", [
      stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
    ]);
  const postResult = (id: string, outcome: "succeeded" | "failed", message: string, finishedAt: Date) =>
    h.call("POST", `/v1/agent/commands/${id}/result`, {
      auth: { bearer: tokens.n2 as string },
      body: {
        outcome,
        startedAt: new Date(finishedAt.getTime() - 4200).toISOString(),
        finishedAt: finishedAt.toISOString(),
        message,
      },
    });
  const lastVerification = async () => ((await backups()) as { lastVerification: unknown }).lastVerification;

  it("goes to the streaming standby's agent once, and its pass becomes an event and lastVerification", async () => {
    await report("n1", [stateReport(new Date(), stateSample())]);
    await standbyReport();
    const requested = await verify();
    expect(requested.status).toBe(202);
    const request = (requested.body as { request: Record<string, unknown> }).request;
    expect([request.nodeName, request.state, request.finishedAt, request.message]).toEqual([
      "n2",
      "pending",
      null,
      null,
    ]);
    const again = await verify();
    expect([again.status, errorCode(again)]).toEqual([409, "restore_check_in_progress"]);
    expect(commandsOf(await report("n1", [stateReport(new Date(), stateSample())]))).toEqual([]);
    expect(commandsOf(await standbyReport())).toEqual([
      { id: request.id, type: "verify_backup", requestedAt: request.requestedAt },
    ]);

    const finishedAt = new Date(Date.now() - 1000);
    const passed = restoreCheckMessage({
      backup: "20261206-101500F",
      databases: ["app", "postgres"],
      durationMs: 4100,
    });
    expect((await postResult(request.id as string, "succeeded", passed, finishedAt)).status).toBe(204);
    expect(await lastVerification()).toEqual({
      at: finishedAt.toISOString(),
      ok: true,
      backup: "20261206-101500F",
      durationMs: 4200,
      message: "restore check on n2: backup 20261206-101500F restored, 2 databases answered",
    });
    const events = await h.call("GET", `/v1/pairs/${pairId}/events?limit=20`, { auth: admin });
    const checks = (events.body as { events: { type: string; details: unknown }[] }).events.filter((e) =>
      e.type.startsWith("restore_check"),
    );
    expect(checks).toHaveLength(1);
    expect(checks[0]).toMatchObject({
      type: "restore_check_succeeded",
      details: { backup: "20261206-101500F", databases: ["app", "postgres"], databaseCount: 2 },
    });
  });

  it("records a failed check as restore_check_failed and enqueues its alert", async () => {
    const endpoint = await h.call("POST", "/v1/alerts/endpoints", {
      auth: admin,
      body: { url: "http://127.0.0.1:9/hook", kinds: ["restore_check_failed"], pairId: null },
    });
    expect(endpoint.status).toBe(201);
    const request = ((await verify()).body as { request: { id: string } }).request;
    await standbyReport();
    const finishedAt = new Date();
    await postResult(request.id, "failed", "restore_check_failed: database app did not answer", finishedAt);
    expect(await lastVerification()).toEqual({
      at: finishedAt.toISOString(),
      ok: false,
      backup: null,
      durationMs: 4200,
      message: "restore check on n2 failed: restore_check_failed: database app did not answer",
    });
    const { rows } = await h.server.services.store.query<{ kind: string; type: string }>(
      `SELECT d.kind, d.payload->'event'->>'type' AS type FROM alert_deliveries d
        JOIN pair_events e ON e.id = d.event_id WHERE e.pair_id = $1`,
      [pairId],
    );
    expect(rows).toEqual([{ kind: "restore_check_failed", type: "restore_check_failed" }]);
  });

  it("runs daily at its fixed UTC minute through the same tick, once", async () => {
    const { rows: before } = await h.server.services.store.query(
      "SELECT 1 FROM agent_commands WHERE pair_id = $1 AND type = 'verify_backup'",
      [pairId],
    );
    const backupsService = h.server.services.backups;
    // The backup schedule's first sight (00:59:30 above) started this clock too: 04:30 is due once.
    expect(await backupsService.runSchedules(new Date("2026-12-06T04:29:50Z"))).toBe(0);
    expect(await backupsService.runSchedules(new Date("2026-12-06T04:30:10Z"))).toBe(1);
    expect(await backupsService.runSchedules(new Date("2026-12-06T04:30:40Z"))).toBe(0);
    const { rows: after } = await h.server.services.store.query<{ node: string }>(
      `SELECT n.name AS node FROM agent_commands c JOIN nodes n ON n.id = c.node_id
        WHERE c.pair_id = $1 AND c.type = 'verify_backup' AND c.requested_by IS NULL`,
      [pairId],
    );
    expect([before.length, after]).toEqual([2, [{ node: "n2" }]]);
  });
});
