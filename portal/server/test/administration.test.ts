// Administration over HTTP on a real store and a real managed node: deleting users (and what it refuses),
// the last admin, the audit log's names, failure reasons, filters, cursor paging and CSV export, the
// pending-requests count and the name behind a request link.
import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  pairRegistration,
  type Reply,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let h: Harness;
let admin: Auth;
let adminId = "";
let pairId = "";
let databaseId = "";
const PASSWORD = "member-password-1";

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  actor: string;
  actorName: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetName: string | null;
  outcome: string;
  failure: { code: string; message: string } | null;
  details: Record<string, unknown>;
}
interface Page {
  entries: Entry[];
  nextCursor: string | null;
}

const errorOf = (reply: Reply) => (reply.body as { error: { code: string; message: string } }).error;

async function createUser(email: string, role = "member"): Promise<{ id: string; auth: Auth }> {
  const reply = await h.call("POST", "/v1/users", { auth: admin, body: { email, password: PASSWORD, role } });
  expect(reply.status).toBe(201);
  const id = (reply.body as { user: { id: string } }).user.id;
  return { id, auth: { cookie: await loginCookie(h, email, PASSWORD) } };
}

const disable = (id: string) => h.call("PATCH", `/v1/users/${id}`, { auth: admin, body: { disabled: true } });
const remove = (id: string, auth = admin) => h.call("DELETE", `/v1/users/${id}`, { auth });

async function audit(query: string): Promise<Page> {
  const reply = await h.call("GET", `/v1/audit?${query}`, { auth: admin });
  expect(reply.status).toBe(200);
  return reply.body as Page;
}

async function requestAccess(auth: Auth): Promise<string> {
  const reply = await h.call("POST", "/v1/access-requests", {
    auth,
    body: { databaseId, level: "read_only", reason: "monthly report" },
  });
  expect(reply.status).toBe(201);
  return (reply.body as { accessRequest: { id: string } }).accessRequest.id;
}

const pendingFor = async (auth: Auth) =>
  (await h.call("GET", "/v1/access-requests/pending-count", { auth })).body as { pending: number };

let owner: { id: string; auth: Auth };

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  adminId = ((await h.call("GET", "/v1/auth/me", { auth: admin })).body as { user: { id: string } }).user.id;
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const registered = pair.body as { pair: { id: string }; agentTokens: Record<string, string> };
  pairId = registered.pair.id;
  await h.call("POST", "/v1/agent/report", {
    auth: { bearer: registered.agentTokens.n1 as string },
    body: { reports: [stateReport(new Date(), stateSample())] },
  });
  owner = await createUser("owner@example.com");
  const created = await h.call("POST", "/v1/databases", { auth: owner.auth, body: { pairId, name: "shop" } });
  expect(created.status).toBe(201);
  databaseId = (created.body as { database: { id: string } }).database.id;
});

afterAll(async () => {
  await h?.stop();
});

describe("the last admin", () => {
  it("cannot be demoted or disabled, and says why", async () => {
    for (const body of [{ role: "member" }, { disabled: true }]) {
      const reply = await h.call("PATCH", `/v1/users/${adminId}`, { auth: admin, body });
      expect([reply.status, errorOf(reply)]).toEqual([
        409,
        { code: "last_admin", message: "the last enabled admin cannot be demoted, disabled or deleted" },
      ]);
    }
  });

  it("can step down once a second admin exists, who then is the last", async () => {
    const second = await createUser("second-admin@example.com", "admin");
    const demoted = await h.call("PATCH", `/v1/users/${second.id}`, {
      auth: admin,
      body: { role: "member" },
    });
    expect((demoted.body as { user: { role: string } }).user.role).toBe("member");
    const again = await h.call("PATCH", `/v1/users/${adminId}`, { auth: admin, body: { role: "member" } });
    expect(errorOf(again).code).toBe("last_admin");
  });

  it("two admins demoting each other at once leave exactly one", async () => {
    const rival = await createUser("rival-admin@example.com", "admin");
    const replies = await Promise.all([
      h.call("PATCH", `/v1/users/${rival.id}`, { auth: admin, body: { role: "member" } }),
      h.call("PATCH", `/v1/users/${adminId}`, { auth: rival.auth, body: { role: "member" } }),
    ]);
    // The loser is refused as the last admin, or (when it authenticated after losing) as no admin.
    const statuses = replies.map((reply) => reply.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409 || status === 403)).toHaveLength(1);
    const { users } = (await h.call("GET", "/v1/users", { auth: statuses[0] === 200 ? admin : rival.auth }))
      .body as { users: { id: string; role: string }[] };
    const admins = users.filter((user) => user.role === "admin").map((user) => user.id);
    expect(admins).toEqual([statuses[0] === 200 ? adminId : rival.id]);
    if (statuses[0] !== 200) {
      // The initial admin lost: the rival hands the role back so the rest runs as before.
      await h.call("PATCH", `/v1/users/${adminId}`, { auth: rival.auth, body: { role: "admin" } });
      admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
    }
  });
});

describe("deleting a user", () => {
  it("refuses oneself, an unknown id and a user who is not disabled yet", async () => {
    expect(errorOf(await remove(adminId))).toEqual({
      code: "cannot_delete_self",
      message: "you cannot delete your own account",
    });
    expect((await remove("00000000-0000-4000-8000-000000000000")).status).toBe(404);
    const refused = await remove(owner.id);
    expect([refused.status, errorOf(refused)]).toEqual([
      409,
      { code: "user_not_disabled", message: "disable the user before deleting them" },
    ]);
  });

  it("refuses while they own a live database, naming it: the tenant database keeps its owner", async () => {
    expect((await disable(owner.id)).status).toBe(200);
    const refused = await remove(owner.id);
    expect([refused.status, refused.body]).toEqual([
      409,
      {
        error: {
          code: "database_owner_exists",
          message: "the user owns live databases: delete them first",
          details: { databases: ["shop"] },
        },
        requestId: refused.headers.get("x-request-id"),
      },
    ]);
    const { users } = (await h.call("GET", "/v1/users", { auth: admin })).body as { users: { id: string }[] };
    expect(users.map((user) => user.id)).toContain(owner.id);
  });

  it("refuses while they hold an approved grant, and deletes them once it is revoked", async () => {
    const holder = await createUser("holder@example.com");
    const requestId = await requestAccess(holder.auth);
    const approved = await h.call("POST", `/v1/access-requests/${requestId}/approve`, {
      auth: admin,
      body: {},
    });
    expect(approved.status).toBe(200);
    await disable(holder.id);
    const refused = await remove(holder.id);
    expect([errorOf(refused).code, (refused.body as { error: { details: unknown } }).error.details]).toEqual([
      "grant_holder",
      { databases: ["shop"] },
    ]);
    await h.call("POST", `/v1/access-requests/${requestId}/revoke`, { auth: admin });
    expect((await remove(holder.id)).status).toBe(204);
  });

  it("takes their sessions, API tokens and pending requests with them", async () => {
    const leaver = await createUser("leaver@example.com");
    const token = await h.call("POST", "/v1/tokens", { auth: leaver.auth, body: { name: "ci" } });
    const bearer: Auth = { bearer: (token.body as { secret: string }).secret };
    expect((await h.call("GET", "/v1/auth/me", { auth: bearer })).status).toBe(200);
    await requestAccess(leaver.auth);
    expect(await pendingFor(admin)).toEqual({ pending: 1 });

    // Disabling already ends the session; the token is refused until the user is gone with it.
    await disable(leaver.id);
    expect((await remove(leaver.id)).status).toBe(204);
    expect((await h.call("GET", "/v1/auth/me", { auth: leaver.auth })).status).toBe(401);
    expect((await h.call("GET", "/v1/auth/me", { auth: bearer })).status).toBe(401);
    expect(await pendingFor(admin)).toEqual({ pending: 0 });
    const { accessRequests } = (await h.call("GET", "/v1/access-requests", { auth: admin })).body as {
      accessRequests: { requesterEmail: string }[];
    };
    expect(accessRequests.map((request) => request.requesterEmail)).not.toContain("leaver@example.com");
    const login = await h.call("POST", "/v1/auth/login", {
      body: { email: "leaver@example.com", password: PASSWORD },
    });
    expect(login.status).toBe(401);
    expect((await remove(leaver.id)).status).toBe(404);
  });
});

describe("pending requests and request links", () => {
  it("counts the pending requests each user may decide, never their own", async () => {
    const asker = await createUser("asker@example.com");
    const requestId = await requestAccess(asker.auth);
    // The owner was disabled above: re-enabled, they decide on their database again.
    await h.call("PATCH", `/v1/users/${owner.id}`, { auth: admin, body: { disabled: false } });
    owner.auth = { cookie: await loginCookie(h, "owner@example.com", PASSWORD) };
    expect([await pendingFor(admin), await pendingFor(owner.auth), await pendingFor(asker.auth)]).toEqual([
      { pending: 1 },
      { pending: 1 },
      { pending: 0 },
    ]);
    await h.call("POST", `/v1/access-requests/${requestId}/deny`, { auth: owner.auth, body: {} });
    expect(await pendingFor(admin)).toEqual({ pending: 0 });
  });

  it("names the database behind a request link for anyone signed in, and only a live one", async () => {
    const stranger = await createUser("stranger@example.com");
    const target = await h.call("GET", `/v1/access-requests/targets/${databaseId}`, { auth: stranger.auth });
    expect(target.body).toEqual({ database: { id: databaseId, name: "shop", pairName: "orders" } });
    const unknown = await h.call("GET", "/v1/access-requests/targets/00000000-0000-4000-8000-000000000000", {
      auth: stranger.auth,
    });
    expect([unknown.status, errorOf(unknown)]).toEqual([
      404,
      { code: "database_not_found", message: "database not found" },
    ]);
  });
});

describe("audit log", () => {
  it("names actors and targets, keeps deleted users as such, and records why an action failed", async () => {
    const { entries } = await audit("action=deleteUser&limit=1000");
    const leaverDeleted = entries.find(
      (entry) => entry.outcome === "succeeded" && entry.details.email === "leaver@example.com",
    );
    expect(leaverDeleted).toMatchObject({
      actorId: adminId,
      actor: `user:${ADMIN.email}`,
      actorName: ADMIN.email,
      targetType: "users",
      targetName: "deleted user",
      failure: null,
      details: { method: "DELETE", path: "/v1/users/:id", email: "leaver@example.com", role: "member" },
    });
    const ownerRefusal = entries.find((entry) => entry.failure?.code === "database_owner_exists");
    expect(ownerRefusal).toMatchObject({
      targetId: owner.id,
      targetName: "owner@example.com",
      outcome: "failed",
      failure: { code: "database_owner_exists", message: "the user owns live databases: delete them first" },
    });
    const created = (await audit("action=createDatabase")).entries;
    expect(created.map((entry) => [entry.actorName, entry.outcome, entry.failure])).toEqual([
      ["owner@example.com", "succeeded", null],
    ]);
    const denied = (await audit("action=denyAccessRequest")).entries;
    expect(denied.map((entry) => [entry.actorName, entry.targetType, entry.targetName])).toEqual([
      ["owner@example.com", "access", "shop"],
    ]);
  });

  it("filters by actor, action, outcome, target and time range", async () => {
    const byActor = (await audit("actor=OWNER@example&limit=1000")).entries;
    expect(new Set(byActor.map((entry) => entry.actorName))).toEqual(new Set(["owner@example.com"]));
    expect(byActor.map((entry) => entry.action).sort()).toEqual([
      "createDatabase",
      "denyAccessRequest",
      "login",
      "login",
    ]);

    const byTarget = (await audit("target=owner@example.com&limit=1000")).entries;
    expect(byTarget.map((entry) => [entry.action, entry.outcome])).toEqual([
      ["updateUser", "succeeded"],
      ["deleteUser", "failed"],
      ["updateUser", "succeeded"],
      ["deleteUser", "failed"],
    ]);

    const failedDeletes = (await audit("action=deleteUser&outcome=failed&limit=1000")).entries;
    expect(failedDeletes.map((entry) => entry.failure?.code)).toEqual([
      "not_found",
      "grant_holder",
      "database_owner_exists",
      "user_not_disabled",
      "not_found",
      "cannot_delete_self",
    ]);

    const all = (await audit("limit=1000")).entries;
    const middle = all[Math.floor(all.length / 2)] as Entry;
    const newer = (await audit(`from=${encodeURIComponent(middle.at)}&limit=1000`)).entries;
    const older = (await audit(`to=${encodeURIComponent(middle.at)}&limit=1000`)).entries;
    expect(newer.length + older.length).toBe(all.length);
    expect(newer.every((entry) => entry.at >= middle.at)).toBe(true);
    expect(older.every((entry) => entry.at < middle.at)).toBe(true);

    const reversed = await h.call(
      "GET",
      `/v1/audit?from=${encodeURIComponent(middle.at)}&to=2000-01-01T00:00:00Z`,
      {
        auth: admin,
      },
    );
    expect([reversed.status, errorOf(reversed).code]).toEqual([400, "invalid_input"]);
  });

  it("pages by cursor through every entry exactly once, newest first", async () => {
    const all = (await audit("limit=1000")).entries;
    expect(all.length).toBeGreaterThan(10);
    const paged: Entry[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 100; page += 1) {
      const next: Page = await audit(`limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      paged.push(...next.entries);
      cursor = next.nextCursor;
      if (cursor === null) break;
    }
    expect(cursor).toBeNull();
    expect(paged.map((entry) => entry.id)).toEqual(all.map((entry) => entry.id));
    const bad = await h.call("GET", "/v1/audit?cursor=2026-01-01", { auth: admin });
    expect(bad.status).toBe(400);
  });

  it("exports the filtered log as CSV, quoted and safe to open in a spreadsheet", async () => {
    const sneaky = await createUser("-2+3@example.com");
    await h.call("PATCH", `/v1/users/${sneaky.id}`, {
      auth: admin,
      body: { password: 'a, "quoted" pass 1' },
    });
    const reply = await h.call("GET", "/v1/audit/export?action=updateUser&target=-2%2B3", { auth: admin });
    expect(reply.status).toBe(200);
    expect(reply.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(reply.headers.get("content-disposition")).toMatch(
      /^attachment; filename=audit-\d{8}T\d{4}Z\.csv$/,
    );
    const lines = reply.text.split("\r\n");
    expect(lines[0]).toBe(
      "at_utc,actor,actor_name,action,action_label,target_type,target_id,target_name,outcome,failure_code,failure_message,request_id,details",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    const row = lines[1] as string;
    expect(row).toContain(
      `,user:${ADMIN.email},${ADMIN.email},updateUser,Change user,users,${sneaky.id},'-2+3@example.com,succeeded,,,`,
    );
    // Details are JSON (jsonb orders keys by length): quoted, inner quotes doubled.
    expect(row).toMatch(/,"{""path"":""\/v1\/users\/:id"",""method"":""PATCH""}"$/);
    expect(reply.text).not.toContain("quoted");
  });

  it("is for admins only", async () => {
    const member = await createUser("curious@example.com");
    for (const path of ["/v1/audit", "/v1/audit/export"]) {
      expect((await h.call("GET", path, { auth: member.auth })).status).toBe(403);
    }
  });
});
