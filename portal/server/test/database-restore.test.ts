// Restore of one database through the API with the real store and a real managed node: the target is
// checked against the reported inventory before anything is created, a restore becomes a `restore`
// command for the primary's agent with a new owner role made on the node, and the agent's result
// moves the record from restoring to active, or to restore_failed with the role dropped and the
// reason kept. A deleted database records its deletion point, asks for a backup, and restores to it.

import type { BackupInventory } from "@pgaas/common/wire";
import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  metricsReport,
  pairRegistration,
  type Reply,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let h: Harness;
let member: Auth;
let other: Auth;
let pairId = "";
let shopId = "";
let tokens: Record<string, string> = {};

const started = Date.now();
const iso = (msAgo: number) => new Date(started - msAgo).toISOString();
const RANGE = { restorableFrom: iso(2 * 3_600_000), restorableTo: iso(60_000) };

function inventory(range: { restorableFrom: string; restorableTo: string }): BackupInventory {
  return {
    stanza: "orders",
    statusCode: 0,
    statusMessage: "ok",
    backups: [
      {
        label: "20261207-010000F",
        type: "full",
        startedAt: new Date(Date.parse(range.restorableFrom) - 4000).toISOString(),
        stoppedAt: range.restorableFrom,
        databaseBytes: 31_000_000,
        repositoryBytes: 3_900_000,
        walStart: "000000010000000000000004",
        walStop: "000000010000000000000004",
      },
    ],
    walMin: "000000010000000000000001",
    walMax: "000000010000000000000009",
    ...range,
    archiveLagSeconds: 0,
    archiveFailures: 0,
    schedule: { full: "0 1 * * 0", differential: "0 1 * * 1-6" },
    retention: { full: 2, differential: 6 },
  };
}

/** The second Sunday 01:00 UTC after `after`: when the fixture's weekly fulls, 2 kept, expire it. */
function secondSundayRunAfter(after: number): string {
  let run = new Date(after);
  run.setUTCHours(1, 0, 0, 0);
  for (let day = 0; day < 8 && !(run.getUTCDay() === 0 && run.getTime() > after); day += 1) {
    run = new Date(run.getTime() + 86_400_000);
  }
  return new Date(run.getTime() + 7 * 86_400_000).toISOString();
}

const report = (reports: unknown[]) =>
  h.call("POST", "/v1/agent/report", { auth: { bearer: tokens.n1 as string }, body: { reports } });
const ack = async () =>
  ((await report([stateReport(new Date(), stateSample())])).body as { commands: Record<string, unknown>[] })
    .commands;
const restore = (id: string, body: unknown, auth: Auth = member) =>
  h.call("POST", `/v1/databases/${id}/restore`, { auth, body });
const error = (reply: Reply) => [reply.status, (reply.body as { error: { code: string } }).error.code];
const databaseOf = (reply: Reply) => (reply.body as { database: Record<string, unknown> }).database;
const result = (commandId: string, outcome: "succeeded" | "failed", message: string) =>
  h.call("POST", `/v1/agent/commands/${commandId}/result`, {
    auth: { bearer: tokens.n1 as string },
    body: { outcome, startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), message },
  });

async function rolesOnNode(names: string[]): Promise<string[]> {
  const client = new pg.Client({ connectionString: h.node.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      "SELECT rolname FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname",
      [names],
    );
    return rows.map((row) => row.rolname);
  } finally {
    await client.end();
  }
}

async function records(): Promise<string[][]> {
  const list = await h.call("GET", "/v1/databases?includeDeleted=true", { auth: member });
  return (list.body as { databases: { name: string; state: string }[] }).databases.map((d) => [
    d.name,
    d.state,
  ]);
}

beforeAll(async () => {
  h = await startHarness();
  const admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  for (const email of ["member@example.com", "other@example.com"]) {
    await h.call("POST", "/v1/users", {
      auth: admin,
      body: { email, password: "member-password-1", role: "member" },
    });
  }
  member = { cookie: await loginCookie(h, "member@example.com", "member-password-1") };
  other = { cookie: await loginCookie(h, "other@example.com", "member-password-1") };
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const body = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = body.pair.id;
  tokens = body.agentTokens;
  await ack();
  const created = await h.call("POST", "/v1/databases", { auth: member, body: { pairId, name: "shop" } });
  shopId = databaseOf(created).id as string;
  // As if it had been made an hour ago, inside the repository's range.
  const store = new pg.Client({ connectionString: h.store.url });
  await store.connect();
  await store.query("UPDATE databases SET created_at = $2 WHERE id = $1", [shopId, iso(3_600_000)]);
  await store.end();
});

afterAll(async () => {
  await h?.stop();
});

describe("restore target checks", () => {
  it("needs a reported backup repository", async () => {
    expect(error(await restore(shopId, { newName: "shop_old" }))).toEqual([409, "backups_not_configured"]);
  });

  it("hides a database the caller cannot see", async () => {
    await report([metricsReport(new Date(), { backups: inventory(RANGE) })]);
    expect(error(await restore(shopId, { newName: "shop_old" }, other))).toEqual([404, "database_not_found"]);
  });

  it("refuses a grant holder: a restore is a full copy owned by whoever asks", async () => {
    const request = await h.call("POST", "/v1/access-requests", {
      auth: other,
      body: { databaseId: shopId, level: "read_only", reason: "reporting" },
    });
    expect(request.status).toBe(201);
    const requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
    const approved = await h.call("POST", `/v1/access-requests/${requestId}/approve`, {
      auth: member,
      body: {},
    });
    expect(approved.status).toBe(200);
    expect(error(await restore(shopId, { newName: "shop_copy" }, other))).toEqual([403, "forbidden"]);
    const revoked = await h.call("POST", `/v1/access-requests/${requestId}/revoke`, { auth: member });
    expect(revoked.status).toBe(200);
  });

  it.each([
    [
      "a time before the oldest backup",
      { time: iso(3 * 3_600_000) },
      400,
      "restore_time_before_oldest_backup",
    ],
    [
      "a time in the future",
      { time: new Date(Date.now() + 3_600_000).toISOString() },
      400,
      "restore_time_in_future",
    ],
    ["an unknown backup", { backup: "20010101-000000F" }, 404, "unknown_backup"],
  ])("refuses %s with the range, creating nothing", async (_label, target, status, code) => {
    const reply = await restore(shopId, { newName: "shop_old", ...target });
    expect(error(reply)).toEqual([status, code]);
    expect((reply.body as { error: { details: Record<string, unknown> } }).error.details).toMatchObject(
      RANGE,
    );
    expect(await rolesOnNode(["shop_old"])).toEqual([]);
    expect(await records()).toEqual([["shop", "active"]]);
    expect(await ack()).toEqual([]);
  });

  it("refuses a time before the database was created", async () => {
    const reply = await restore(shopId, { newName: "shop_old", time: iso(90 * 60_000) });
    expect(error(reply)).toEqual([400, "restore_time_before_creation"]);
    expect(await rolesOnNode(["shop_old"])).toEqual([]);
  });

  it("refuses a time without a zone and a name that is taken", async () => {
    expect(error(await restore(shopId, { newName: "shop_old", time: "2026-12-07T01:00:00" }))).toEqual([
      400,
      "invalid_input",
    ]);
    expect(error(await restore(shopId, { newName: "shop" }))).toEqual([409, "database_exists"]);
  });
});

describe("restore through the primary's agent", () => {
  let commandId = "";
  const time = iso(30 * 60_000);

  it("creates the owner role, records restoring and hands the command to the primary's agent", async () => {
    const reply = await restore(shopId, { newName: "shop_old", time });
    expect(reply.status).toBe(202);
    const body = reply.body as {
      database: Record<string, unknown>;
      credentials: { username: string; password: string };
      connectionUri: string;
    };
    expect(body.database).toMatchObject({
      name: "shop_old",
      owner: "shop_old",
      state: "restoring",
      restoredFrom: shopId,
      restoreTarget: time,
      error: null,
    });
    expect(body.connectionUri).toBe(
      `postgresql://shop_old:${body.credentials.password}@127.0.0.1:${h.node.port}/shop_old`,
    );
    expect(await rolesOnNode(["shop_old"])).toEqual(["shop_old"]);
    const commands = await ack();
    expect(commands.map(({ id: _id, requestedAt: _at, ...rest }) => rest)).toEqual([
      { type: "restore", restore: { database: "shop", newName: "shop_old", owner: "shop_old", time } },
    ]);
    commandId = commands[0]?.id as string;
    // While it runs the name is taken and the record cannot be changed.
    expect(error(await restore(shopId, { newName: "shop_old" }))).toEqual([409, "database_exists"]);
    const patch = await h.call("PATCH", `/v1/databases/${body.database.id}`, {
      auth: member,
      body: { connectionLimit: 3 },
    });
    expect(error(patch)).toEqual([409, "database_restoring"]);
  });

  it("on failure drops the role, keeps why on the record and in an event", async () => {
    expect((await result(commandId, "failed", "restore_failed: recovery stopped")).status).toBe(204);
    expect(await rolesOnNode(["shop_old"])).toEqual([]);
    expect(await records()).toEqual([
      ["shop", "active"],
      ["shop_old", "restore_failed"],
    ]);
    const list = await h.call("GET", "/v1/databases?includeDeleted=true", { auth: member });
    const failed = (list.body as { databases: Record<string, unknown>[] }).databases[1];
    expect(failed?.error).toBe("restore_failed: recovery stopped");
    const events = await h.call("GET", `/v1/pairs/${pairId}/events?limit=2`, {
      auth: { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) },
    });
    expect(
      (events.body as { events: { type: string; message: string }[] }).events.map((e) => [e.type, e.message]),
    ).toEqual([
      ["restore_failed", "restore on n1 failed: restore_failed: recovery stopped"],
      ["restore_requested", `restore of shop as of ${time} into shop_old requested on n1`],
    ]);
  });

  it("on success makes the record active (the latest state when no time is given)", async () => {
    const reply = await restore(shopId, { newName: "shop_new" });
    expect([reply.status, databaseOf(reply).restoreTarget]).toEqual([202, null]);
    const commands = await ack();
    expect(commands.map((c) => c.restore)).toEqual([
      { database: "shop", newName: "shop_new", owner: "shop_new" },
    ]);
    expect((await result(commands[0]?.id as string, "succeeded", "restored")).status).toBe(204);
    expect(await records()).toEqual([
      ["shop", "active"],
      ["shop_new", "active"],
      ["shop_old", "restore_failed"],
    ]);
    expect(await rolesOnNode(["shop_new"])).toEqual(["shop_new"]);
  });

  it("never drops a database it did not make: one of that name made outside the portal stays", async () => {
    const node = new pg.Client({ connectionString: h.node.url });
    await node.connect();
    try {
      await node.query("CREATE DATABASE stray");
      const reply = await restore(shopId, { newName: "stray", owner: "stray_owner" });
      expect(reply.status).toBe(202);
      const [command] = await ack();
      await result(command?.id as string, "failed", "database_exists: database stray already exists");
      const { rows } = await node.query("SELECT datname FROM pg_database WHERE datname = 'stray'");
      expect([rows, await rolesOnNode(["stray_owner"])]).toEqual([[{ datname: "stray" }], []]);
    } finally {
      await node.query("DROP DATABASE IF EXISTS stray");
      await node.end();
    }
  });
});

describe("a restore the agent never answers", () => {
  it("fails after three hours, with its role dropped and an event, and not before", async () => {
    const reply = await restore(shopId, { newName: "shop_lost" });
    const id = databaseOf(reply).id as string;
    await ack();
    const restores = h.server.services.restores;
    expect(await restores.failAbandoned(new Date(Date.now() + 2 * 3_600_000))).toBe(0);
    expect(await restores.failAbandoned(new Date(Date.now() + 3 * 3_600_000 + 60_000))).toBe(1);
    const got = databaseOf(await h.call("GET", `/v1/databases/${id}`, { auth: member }));
    expect([got.state, got.error]).toEqual([
      "restore_failed",
      "no result from the primary's agent within 3 hours",
    ]);
    expect(await rolesOnNode(["shop_lost"])).toEqual([]);
  });
});

describe("restore a deleted database", () => {
  let deletedAt = "";

  it("records the deletion point and asks for a backup without waiting for it", async () => {
    const reply = await h.call("DELETE", `/v1/databases/${shopId}`, {
      auth: member,
      body: { confirm: "shop" },
    });
    expect(reply.status).toBe(200);
    const body = reply.body as {
      database: { state: string; deletedAt: string };
      backupRequestId: string;
      note: string;
      restorableUntil: string | null;
      restorable: string;
    };
    deletedAt = body.database.deletedAt;
    expect([body.database.state, body.note]).toEqual([
      "deleted",
      `incr backup ${body.backupRequestId} requested on n1`,
    ]);
    // Until the 2nd weekly full backup after the deletion: the reported schedule and retention say so.
    const until = secondSundayRunAfter(Date.parse(deletedAt));
    expect([body.restorableUntil, body.restorable]).toEqual([
      until,
      `restorable until ${until}: retention keeps 2 full backups, so the 2 scheduled full backups after the deletion (0 1 * * 0, UTC) expire the last backup from before it; a full backup taken by hand brings this forward`,
    ]);
    expect(Date.parse(deletedAt)).toBeGreaterThan(started);
    expect((await ack()).map((c) => [c.id, c.type, c.backupType])).toEqual([
      [body.backupRequestId, "backup", "incr"],
    ]);
  });

  it("restores to just before the deletion by default and refuses a time after it", async () => {
    const after = new Date(Date.parse(deletedAt) + 1000).toISOString();
    expect(error(await restore(shopId, { newName: "shop_back", time: after }))).toEqual([
      400,
      "restore_time_after_deletion",
    ]);
    const reply = await restore(shopId, { newName: "shop_back" });
    expect([reply.status, databaseOf(reply).restoreTarget]).toEqual([202, deletedAt]);
    expect((await ack()).map((c) => c.restore)).toEqual([
      { database: "shop", newName: "shop_back", owner: "shop_back", time: deletedAt },
    ]);
  });

  it("refuses when the deletion lies before what the repository still holds", async () => {
    const later = {
      restorableFrom: new Date(Date.parse(deletedAt) + 1000).toISOString(),
      restorableTo: iso(-5000),
    };
    await report([metricsReport(new Date(), { backups: inventory(later) })]);
    const reply = await restore(shopId, { newName: "shop_gone" });
    expect(error(reply)).toEqual([409, "deletion_outside_retention"]);
    expect((reply.body as { error: { details: unknown } }).error.details).toEqual(later);
    expect(await rolesOnNode(["shop_gone"])).toEqual([]);
  });
});
