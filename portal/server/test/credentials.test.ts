// The credential lifecycle over HTTP against a real store and a real managed PostgreSQL: each user's
// own connection details, the owner's password reset, a grant's rotation. Old passwords must stop
// working for new connections and new ones must work.
import {
  ADMIN,
  ADMIN_ROLE_PASSWORD,
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
import { createMembers } from "./support/members.js";
import { checkResponses } from "./support/openapi-check.js";
import { errorCode, recordedCalls } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let owner: Auth;
let grantee: Auth;
let stranger: Auth;
let databaseId = "";
let ownerPassword = "";

const { call, recorded } = recordedCalls(() => h);

/** Connects, runs `SELECT current_user` and closes; the error's SQLSTATE when the login is refused. */
async function login(user: string, password: string, database = "ledger"): Promise<string> {
  const client = new pg.Client({ host: "127.0.0.1", port: h.node.port, user, password, database });
  client.on("error", () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ current_user: string }>("SELECT current_user");
    return `ok:${rows[0]?.current_user}`;
  } catch (error) {
    return `refused:${(error as { code?: string }).code}`;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs a query as the superuser (to look at roles, never to change what is tested). */
async function asSuperuser<R extends pg.QueryResultRow>(
  sql: string,
  values: unknown[],
  database = "postgres",
): Promise<R[]> {
  const client = new pg.Client({ connectionString: h.node.urlFor(database) });
  await client.connect();
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

const rolesOnServer = async (names: string[]) =>
  (
    await asSuperuser<{ rolname: string }>(
      "SELECT rolname FROM pg_roles WHERE rolname = ANY($1) ORDER BY rolname",
      [names],
    )
  ).map((row) => row.rolname);

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  [owner, grantee, stranger] = await createMembers(
    h,
    admin,
    ["owner@example.com", "grantee@example.com", "stranger@example.com"],
    call,
  );
  const pair = await call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  expect(pair.status).toBe(201);
  const { pair: registered, agentTokens } = pair.body as {
    pair: { id: string };
    agentTokens: Record<string, string>;
  };
  const report = await call("POST", "/v1/agent/report", {
    auth: { bearer: agentTokens.n1 as string },
    body: { reports: [stateReport(new Date(Date.now() - 1000), stateSample())] },
  });
  expect(report.status).toBe(200);
  const created = await call("POST", "/v1/databases", {
    auth: owner,
    body: { pairId: registered.id, name: "ledger" },
  });
  expect(created.status).toBe(201);
  const body = created.body as { database: { id: string }; credentials: { password: string } };
  databaseId = body.database.id;
  ownerPassword = body.credentials.password;
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("owner password reset", () => {
  it("shows the owner the owner role's URI without a password", async () => {
    const reply = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: owner });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      connection: {
        username: "ledger",
        role: "owner",
        host: "127.0.0.1",
        port: h.node.port,
        database: "ledger",
        connectionUri: `postgresql://ledger@127.0.0.1:${h.node.port}/ledger`,
        pooledConnectionUri: null,
        caCertificate: null,
      },
    });
  });

  it("lets the owner reset: the new password logs in, the old one is refused, open sessions stay", async () => {
    const open = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user: "ledger",
      password: ownerPassword,
      database: "ledger",
    });
    await open.connect();
    try {
      const reply = await call("POST", `/v1/databases/${databaseId}/owner-password`, { auth: owner });
      expect(reply.status).toBe(200);
      const body = reply.body as {
        credentials: { username: string; password: string };
        connectionUri: string;
        caCertificate: null;
      };
      expect(body.credentials.username).toBe("ledger");
      expect(body.credentials.password).not.toBe(ownerPassword);
      expect(body.connectionUri).toBe(
        `postgresql://ledger:${body.credentials.password}@127.0.0.1:${h.node.port}/ledger`,
      );
      expect(body.caCertificate).toBeNull();
      expect(await login("ledger", ownerPassword)).toBe("refused:28P01");
      expect(await login("ledger", body.credentials.password)).toBe("ok:ledger");
      expect((await open.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
      ownerPassword = body.credentials.password;
    } finally {
      await open.end();
    }
  });

  it("lets an admin reset the owner's password", async () => {
    const reply = await call("POST", `/v1/databases/${databaseId}/owner-password`, { auth: admin });
    expect(reply.status).toBe(200);
    const password = (reply.body as { credentials: { password: string } }).credentials.password;
    expect(await login("ledger", ownerPassword)).toBe("refused:28P01");
    expect(await login("ledger", password)).toBe("ok:ledger");
    ownerPassword = password;
  });

  it("refuses other members: 404 without a grant", async () => {
    const reply = await call("POST", `/v1/databases/${databaseId}/owner-password`, { auth: stranger });
    expect([reply.status, errorCode(reply)]).toEqual([404, "database_not_found"]);
    const connection = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: stranger });
    expect([connection.status, errorCode(connection)]).toEqual([404, "database_not_found"]);
    expect(await login("ledger", ownerPassword)).toBe("ok:ledger");
  });
});

describe("grant rotation", () => {
  let requestId = "";
  let role = "";
  let grantPassword = "";

  type View = {
    state: string;
    roleName: string;
    previousRoleName: string | null;
    previousValidUntil: string | null;
    credentialsAvailable: boolean;
  };
  const collect = async (auth: Auth) => {
    const reply = await call("POST", `/v1/access-requests/${requestId}/credentials`, { auth });
    expect(reply.status).toBe(200);
    return (reply.body as { credentials: { password: string } }).credentials.password;
  };
  const rotate = (auth: Auth, overlapMinutes?: number) =>
    call("POST", `/v1/access-requests/${requestId}/rotate`, {
      auth,
      body: overlapMinutes === undefined ? {} : { overlapMinutes },
    });
  /** What the role can read in the database: the grant's privileges came with the new role. */
  const readsItems = async (user: string, password: string) => {
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user,
      password,
      database: "ledger",
    });
    await client.connect();
    try {
      return (await client.query("SELECT id FROM items ORDER BY id")).rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const request = await call("POST", "/v1/access-requests", {
      auth: grantee,
      body: { databaseId, level: "read_only", reason: "reporting" },
    });
    expect(request.status).toBe(201);
    requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
    const approved = await call("POST", `/v1/access-requests/${requestId}/approve`, {
      auth: owner,
      body: {},
    });
    expect(approved.status).toBe(200);
    role = (approved.body as { accessRequest: { roleName: string } }).accessRequest.roleName;
    grantPassword = await collect(grantee);
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user: "ledger",
      password: ownerPassword,
      database: "ledger",
    });
    await client.connect();
    await client.query("CREATE TABLE items (id int PRIMARY KEY); INSERT INTO items VALUES (1)");
    await client.end();
  });

  it("shows the grantee their own role's URI, not the owner's", async () => {
    const reply = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: grantee });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      connection: {
        username: role,
        role: "grant",
        host: "127.0.0.1",
        port: h.node.port,
        database: "ledger",
        connectionUri: `postgresql://${role}@127.0.0.1:${h.node.port}/ledger`,
        pooledConnectionUri: null,
        caCertificate: null,
      },
    });
  });

  it("refuses the grantee an owner password reset", async () => {
    const reply = await call("POST", `/v1/databases/${databaseId}/owner-password`, { auth: grantee });
    expect(reply.status).toBe(403);
    expect(await login("ledger", ownerPassword)).toBe("ok:ledger");
  });

  it("rotates to a second role: inside the overlap the old and the new credential both log in", async () => {
    const before = Date.now();
    const reply = await rotate(grantee);
    const after = Date.now();
    expect(reply.status).toBe(200);
    const view = (reply.body as { accessRequest: View }).accessRequest;
    expect([view.state, view.roleName, view.previousRoleName, view.credentialsAvailable]).toEqual([
      "approved",
      `${role}_b`,
      role,
      true,
    ]);
    // The default overlap is 60 minutes from the rotation.
    const until = Date.parse(view.previousValidUntil as string);
    expect(until).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(until).toBeLessThanOrEqual(after + 3_600_000);
    expect(reply.text).not.toContain("password");
    const password = await collect(grantee);
    expect(password).not.toBe(grantPassword);
    expect(await login(role, grantPassword)).toBe(`ok:${role}`);
    expect(await login(`${role}_b`, password)).toBe(`ok:${role}_b`);
    expect(await readsItems(`${role}_b`, password)).toEqual([{ id: 1 }]);
    const connection = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: grantee });
    expect((connection.body as { connection: { username: string } }).connection.username).toBe(`${role}_b`);
    grantPassword = password;
  });

  it("lets the owner rotate with no overlap (a leak): the old role stops at once, the owner never sees the password", async () => {
    const reply = await rotate(owner, 0);
    expect(reply.status).toBe(200);
    const view = (reply.body as { accessRequest: View }).accessRequest;
    // Back to the first slot: the role of the earlier overlap was dropped and made anew.
    expect([view.roleName, view.previousRoleName]).toEqual([role, `${role}_b`]);
    const forOwner = await call("POST", `/v1/access-requests/${requestId}/credentials`, { auth: owner });
    expect(forOwner.status).toBe(403);
    expect(await login(`${role}_b`, grantPassword)).toBe("refused:28P01");
    const password = await collect(grantee);
    expect(await login(role, password)).toBe(`ok:${role}`);
    expect(await readsItems(role, password)).toEqual([{ id: 1 }]);
    expect(await rolesOnServer([role, `${role}_b`])).toEqual([role, `${role}_b`]);
  });

  it("refuses an overlap beyond 7 days before touching anything", async () => {
    const reply = await rotate(grantee, 10_081);
    expect([reply.status, errorCode(reply)]).toEqual([400, "invalid_input"]);
  });

  it("refuses a stranger (404); revoking drops both roles; a revoked grant cannot rotate (409)", async () => {
    const foreign = await rotate(stranger);
    expect([foreign.status, errorCode(foreign)]).toEqual([404, "access_request_not_found"]);
    const revoked = await call("POST", `/v1/access-requests/${requestId}/revoke`, { auth: owner });
    expect(revoked.status).toBe(200);
    expect(await rolesOnServer([role, `${role}_b`])).toEqual([]);
    const late = await rotate(grantee);
    expect([late.status, errorCode(late)]).toEqual([409, "invalid_state"]);
    const connection = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: grantee });
    expect(connection.status).toBe(404);
  });

  it("audits resets and rotations and logs no password", async () => {
    const reply = await call("GET", "/v1/audit?limit=1000", { auth: admin });
    const entries = (reply.body as { entries: { action: string; outcome: string; actor: string }[] }).entries;
    const of = (action: string) =>
      entries
        .filter((entry) => entry.action === action)
        .map((entry) => `${entry.actor} ${entry.outcome}`)
        .sort();
    expect(of("resetOwnerPassword")).toEqual([
      "user:admin@example.com succeeded",
      "user:grantee@example.com failed",
      "user:owner@example.com succeeded",
      "user:stranger@example.com failed",
    ]);
    expect(of("rotateAccessCredentials")).toEqual([
      "user:grantee@example.com failed",
      "user:grantee@example.com failed",
      "user:grantee@example.com succeeded",
      "user:owner@example.com succeeded",
      "user:stranger@example.com failed",
    ]);
    expect(h.logLines.join("\n")).not.toContain(ownerPassword);
  });
});

describe("the boundary function that ends a role's logins", () => {
  const callAs = async (user: string, password: string, role: string, database = "postgres") => {
    const client = new pg.Client({ host: "127.0.0.1", port: h.node.port, user, password, database });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("SELECT pgaas.set_role_valid_until($1, now())", [role]);
      return "ran";
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end();
    }
  };

  it("refuses non-tenant roles to the admin role and refuses tenants outright", async () => {
    expect(await callAs("pgaas_admin", ADMIN_ROLE_PASSWORD, "postgres")).toBe("42501");
    expect(await callAs("pgaas_admin", ADMIN_ROLE_PASSWORD, "pgaas_admin")).toBe("42501");
    // A tenant inside its own database cannot end another role's (or its own) logins.
    expect(await callAs("ledger", ownerPassword, "ledger", "ledger")).toBe("42501");
    expect(await login("ledger", ownerPassword)).toBe("ok:ledger");
  });
});

describe("the boundary function that makes an owner's second login", () => {
  const verifier = "SCRAM-SHA-256$4096:c2FsdA==$a2V5:c2VydmVy";
  const make = async (user: string, password: string, login: string, ownerRole: string) => {
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user,
      password,
      database: "ledger",
    });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("SELECT pgaas.create_owner_login($1, $2, $3)", [login, ownerRole, verifier]);
      return "ran";
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end();
    }
  };

  it("gives an owner's rights only to a new role, only of a tenant owner, only to the admin role", async () => {
    // Not a tenant role: no login may become the superuser or the admin role.
    expect(await make("pgaas_admin", ADMIN_ROLE_PASSWORD, "sneaky_login", "postgres")).toBe("42501");
    expect(await make("pgaas_admin", ADMIN_ROLE_PASSWORD, "sneaky_login", "pgaas_admin")).toBe("42501");
    // An existing role is never handed an owner's rights: only a role the call creates.
    expect(await make("pgaas_admin", ADMIN_ROLE_PASSWORD, "ledger", "ledger")).toBe("42710");
    // A tenant cannot call it at all.
    expect(await make("ledger", ownerPassword, "ledger_c", "ledger")).toBe("42501");
    expect(await rolesOnServer(["sneaky_login", "ledger_c"])).toEqual([]);
  });
});

describe("owner rotation with overlap", () => {
  type Rotated = {
    credentials: { username: string; password: string };
    previousUsername: string | null;
    previousValidUntil: string | null;
  };
  const change = (auth: Auth, overlapMinutes?: number) =>
    call("POST", `/v1/databases/${databaseId}/owner-password`, {
      auth,
      ...(overlapMinutes === undefined ? {} : { body: { overlapMinutes } }),
    });
  /** Who a login is and acts as: `<session_user> as <current_user>`. */
  const identity = async (user: string, password: string) => {
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user,
      password,
      database: "ledger",
    });
    client.on("error", () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ who: string }>(
        "SELECT session_user || ' as ' || current_user AS who",
      );
      return rows[0]?.who;
    } catch (error) {
      return `refused:${(error as { code?: string }).code}`;
    } finally {
      await client.end().catch(() => {});
    }
  };
  /** A role's VALID UNTIL as the API writes instants (milliseconds, Z), or "infinity". */
  const validUntil = async (role: string) =>
    (
      await asSuperuser<{ until: string }>(
        `SELECT CASE WHEN isfinite(rolvaliduntil)
                     THEN to_char(rolvaliduntil AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
                     ELSE rolvaliduntil::text END AS until
           FROM pg_roles WHERE rolname = $1`,
        [role],
      )
    )[0]?.until;
  let secondPassword = "";

  it("rotates to a second login: both log in as the owner role until the overlap ends, the reply says when", async () => {
    const before = Date.now();
    const reply = await change(owner, 30);
    const after = Date.now();
    expect(reply.status).toBe(200);
    const body = reply.body as Rotated;
    expect([body.credentials.username, body.previousUsername]).toEqual(["ledger_b", "ledger"]);
    const until = Date.parse(body.previousValidUntil as string);
    expect(until).toBeGreaterThanOrEqual(before + 30 * 60_000);
    expect(until).toBeLessThanOrEqual(after + 30 * 60_000);
    // PostgreSQL itself ends the old login then: its VALID UNTIL is the answered instant.
    expect(await validUntil("ledger")).toBe(body.previousValidUntil);
    expect(await validUntil("ledger_b")).toBe("infinity");
    expect(await identity("ledger", ownerPassword)).toBe("ledger as ledger");
    secondPassword = body.credentials.password;
    expect(await identity("ledger_b", secondPassword)).toBe("ledger_b as ledger");
    // What the new login creates belongs to the owner role, as before the rotation.
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user: "ledger_b",
      password: secondPassword,
      database: "ledger",
    });
    await client.connect();
    await client.query("CREATE TABLE rotated (id int)");
    await client.end();
    const owners = await asSuperuser<{ tableowner: string }>(
      "SELECT tableowner FROM pg_tables WHERE tablename = 'rotated'",
      [],
      "ledger",
    );
    expect(owners).toEqual([{ tableowner: "ledger" }]);
    const connection = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: owner });
    expect((connection.body as { connection: { username: string } }).connection.username).toBe("ledger_b");
  });

  it("rotates back to the owner role, then anew to a fresh second login: the oldest one stops", async () => {
    const back = await change(admin, 10);
    expect(back.status).toBe(200);
    const third = back.body as Rotated;
    expect([third.credentials.username, third.previousUsername]).toEqual(["ledger", "ledger_b"]);
    // The owner role logs in again (its earlier end is lifted); the second login works through its overlap.
    expect(await validUntil("ledger")).toBe("infinity");
    expect(await identity("ledger", ownerPassword)).toBe("refused:28P01");
    expect(await identity("ledger", third.credentials.password)).toBe("ledger as ledger");
    expect(await identity("ledger_b", secondPassword)).toBe("ledger_b as ledger");

    const again = await change(owner, 10);
    expect(again.status).toBe(200);
    const fourth = again.body as Rotated;
    expect([fourth.credentials.username, fourth.previousUsername]).toEqual(["ledger_b", "ledger"]);
    // The second slot was dropped and made anew: its earlier password is gone, the table it made stays
    // with the owner role.
    expect(await identity("ledger_b", secondPassword)).toBe("refused:28P01");
    expect(await identity("ledger_b", fourth.credentials.password)).toBe("ledger_b as ledger");
    expect(await identity("ledger", third.credentials.password)).toBe("ledger as ledger");
    expect(
      await asSuperuser("SELECT tableowner FROM pg_tables WHERE tablename = 'rotated'", [], "ledger"),
    ).toEqual([{ tableowner: "ledger" }]);
    ownerPassword = third.credentials.password;
    secondPassword = fourth.credentials.password;
  });

  it("resets without overlap (a leak): a new password on the current login, the other login stops at once", async () => {
    const reply = await change(owner);
    expect(reply.status).toBe(200);
    const body = reply.body as Rotated;
    expect([body.credentials.username, body.previousUsername, body.previousValidUntil]).toEqual([
      "ledger_b",
      null,
      null,
    ]);
    expect(await identity("ledger", ownerPassword)).toBe("refused:28P01");
    expect(await identity("ledger_b", secondPassword)).toBe("refused:28P01");
    expect(await identity("ledger_b", body.credentials.password)).toBe("ledger_b as ledger");
    secondPassword = body.credentials.password;
  });

  it("refuses a stranger (404) and an overlap beyond 7 days (400) before touching anything", async () => {
    const foreign = await change(stranger, 10);
    expect([foreign.status, errorCode(foreign)]).toEqual([404, "database_not_found"]);
    const long = await change(owner, 10_081);
    expect([long.status, errorCode(long)]).toEqual([400, "invalid_input"]);
    expect(await identity("ledger_b", secondPassword)).toBe("ledger_b as ledger");
  });

  it("drops both owner logins with the database", async () => {
    const reply = await call("DELETE", `/v1/databases/${databaseId}`, {
      auth: owner,
      body: { confirm: "ledger" },
    });
    expect(reply.status).toBe(200);
    expect(await rolesOnServer(["ledger", "ledger_b"])).toEqual([]);
  });
});

describe("API surface", () => {
  it("answers every call above as the served OpenAPI document says", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
