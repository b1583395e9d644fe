// The slow-query view over HTTP against a real store and a real managed PostgreSQL with
// pg_stat_statements: what agents report from their logs is kept per tenant database and shown to that
// database's owner, grant holders and admins only (404 for anyone else), with the normalised text
// pg_stat_statements holds under the same query id — never a statement with its literals.
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
import { applyRetention, DEFAULT_RETENTION } from "../src/services/retention.js";
import { openStore } from "../src/store/db.js";
import { createMembers } from "./support/members.js";
import { checkResponses } from "./support/openapi-check.js";
import { errorCode, recordedCalls } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let owner: Auth;
let grantee: Auth;
let stranger: Auth;
let ledgerId = "";
let billingId = "";
let agentToken = "";
/** The query ids of ledger's `SELECT pg_sleep($1), $2` and billing's `SELECT pg_sleep($1), $2, $3`. */
let sleepId = "";
let billingSleepId = "";

const { call, recorded } = recordedCalls(() => h);

async function runAs(user: string, password: string, database: string, sql: string) {
  const client = new pg.Client({ host: "127.0.0.1", port: h.node.port, user, password, database });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** pg_stat_statements' id of the sleep statement in `database`, read as the superuser. */
async function sleepQueryId(database: string): Promise<string> {
  const client = new pg.Client({ connectionString: h.node.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      `SELECT s.queryid::text AS id FROM pgaas_monitor.pg_stat_statements s
         JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 AND s.query LIKE 'SELECT pg_sleep%'`,
      [database],
    );
    expect(rows).toHaveLength(1);
    return (rows[0] as { id: string }).id;
  } finally {
    await client.end();
  }
}

const entry = (database: string, queryId: string, at: string, durationMs: number, user = database) => ({
  at,
  database,
  user,
  queryId,
  durationMs,
});
const report = (slowQueries: unknown[]) =>
  h.call("POST", "/v1/agent/report", {
    auth: { bearer: agentToken },
    body: { reports: [metricsReport(new Date(Date.now() - 500), { slowQueries })] },
  });
const slowOf = (reply: Reply) =>
  (reply.body as { slowQueries: { at: string; query: string | null; durationMs: number }[] }).slowQueries;

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  [owner, grantee, stranger] = await createMembers(h, admin, [
    "owner@example.com",
    "grantee@example.com",
    "stranger@example.com",
  ]);
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const { pair: registered, agentTokens } = pair.body as {
    pair: { id: string };
    agentTokens: Record<string, string>;
  };
  agentToken = agentTokens.n1 as string;
  const state = await h.call("POST", "/v1/agent/report", {
    auth: { bearer: agentToken },
    body: { reports: [stateReport(new Date(Date.now() - 1000), stateSample())] },
  });
  expect(state.status).toBe(200);
  const create = async (auth: Auth, name: string) => {
    const created = await h.call("POST", "/v1/databases", { auth, body: { pairId: registered.id, name } });
    expect(created.status).toBe(201);
    return created.body as { database: { id: string }; credentials: { password: string } };
  };
  const ledger = await create(owner, "ledger");
  ledgerId = ledger.database.id;
  const billing = await create(admin, "billing");
  billingId = billing.database.id;
  await runAs("ledger", ledger.credentials.password, "ledger", "SELECT pg_sleep(0.01), 'secret-literal'");
  await runAs("billing", billing.credentials.password, "billing", "SELECT pg_sleep(0.01), 'other', 3");
  sleepId = await sleepQueryId("ledger");
  billingSleepId = await sleepQueryId("billing");
  const request = await h.call("POST", "/v1/access-requests", {
    auth: grantee,
    body: { databaseId: ledgerId, level: "read_only", reason: "reporting" },
  });
  const requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
  const approved = await h.call("POST", `/v1/access-requests/${requestId}/approve`, {
    auth: owner,
    body: {},
  });
  expect(approved.status).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("slow queries", () => {
  const now = Date.now();
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000).toISOString();

  it("stores what the agent reports, per tenant database; other databases' entries are dropped", async () => {
    const reply = await report([
      entry("ledger", sleepId, minutesAgo(3), 1206.292),
      entry("ledger", sleepId, minutesAgo(2), 1500.5, "ledger_ro_x"),
      entry("billing", billingSleepId, minutesAgo(2), 2000),
      entry("postgres", "42", minutesAgo(2), 3000, "postgres"),
      entry("not_managed", "43", minutesAgo(2), 3000),
    ]);
    expect(reply.status).toBe(200);
    const shown = await call("GET", `/v1/databases/${ledgerId}/slow-queries`, { auth: owner });
    expect(shown.status).toBe(200);
    expect(slowOf(shown)).toEqual([
      {
        at: minutesAgo(2),
        durationMs: 1500.5,
        user: "ledger_ro_x",
        node: "n1",
        queryId: sleepId,
        query: "SELECT pg_sleep($1), $2",
      },
      {
        at: minutesAgo(3),
        durationMs: 1206.292,
        user: "ledger",
        node: "n1",
        queryId: sleepId,
        query: "SELECT pg_sleep($1), $2",
      },
    ]);
    expect(shown.text).not.toContain("secret-literal");
  });

  it("shows billing's only to those who may see billing", async () => {
    const forAdmin = await call("GET", `/v1/databases/${billingId}/slow-queries`, { auth: admin });
    expect(slowOf(forAdmin).map((slow) => [slow.durationMs, slow.query])).toEqual([
      [2000, "SELECT pg_sleep($1), $2, $3"],
    ]);
    const forOwner = await call("GET", `/v1/databases/${billingId}/slow-queries`, { auth: owner });
    expect([forOwner.status, errorCode(forOwner)]).toEqual([404, "database_not_found"]);
  });

  it("shows a grant holder their database's, and nobody else anything (404)", async () => {
    const forGrantee = await call("GET", `/v1/databases/${ledgerId}/slow-queries`, { auth: grantee });
    expect(slowOf(forGrantee).map((slow) => slow.durationMs)).toEqual([1500.5, 1206.292]);
    const forStranger = await call("GET", `/v1/databases/${ledgerId}/slow-queries`, { auth: stranger });
    expect([forStranger.status, errorCode(forStranger)]).toEqual([404, "database_not_found"]);
  });

  it("never lends another database's text to a query id, and says so when there is none", async () => {
    // billing's statement reported under ledger (a forged report): ledger has no text for it.
    await report([entry("ledger", billingSleepId, minutesAgo(1), 1100)]);
    const shown = await call("GET", `/v1/databases/${ledgerId}/slow-queries`, { auth: owner });
    expect(slowOf(shown)[0]).toMatchObject({ at: minutesAgo(1), queryId: billingSleepId, query: null });
  });

  it("filters by range and limit, and refuses an empty range", async () => {
    const range = await call(
      "GET",
      `/v1/databases/${ledgerId}/slow-queries?from=${minutesAgo(2.5)}&to=${minutesAgo(1.5)}`,
      { auth: owner },
    );
    expect(range.body).toEqual({
      from: minutesAgo(2.5),
      to: minutesAgo(1.5),
      slowQueries: [expect.objectContaining({ at: minutesAgo(2), durationMs: 1500.5 })],
    });
    const limited = await call("GET", `/v1/databases/${ledgerId}/slow-queries?limit=1`, { auth: owner });
    expect(slowOf(limited).map((slow) => slow.at)).toEqual([minutesAgo(1)]);
    const empty = await call(
      "GET",
      `/v1/databases/${ledgerId}/slow-queries?from=${minutesAgo(1)}&to=${minutesAgo(1)}`,
      { auth: owner },
    );
    expect([empty.status, errorCode(empty)]).toEqual([400, "invalid_range"]);
  });

  it("forgets entries after the raw retention", async () => {
    await report([entry("ledger", sleepId, new Date(now - 8 * 86_400_000).toISOString(), 1234)]);
    const before = await call("GET", `/v1/databases/${ledgerId}/slow-queries?from=2020-01-01T00:00:00Z`, {
      auth: owner,
    });
    expect(slowOf(before).map((slow) => slow.durationMs)).toContain(1234);
    const store = openStore(h.store.url, { max: 1 });
    try {
      await applyRetention(store, DEFAULT_RETENTION);
    } finally {
      await store.close();
    }
    const after = await call("GET", `/v1/databases/${ledgerId}/slow-queries?from=2020-01-01T00:00:00Z`, {
      auth: owner,
    });
    expect(slowOf(after).map((slow) => slow.durationMs)).toEqual([1100, 1500.5, 1206.292]);
  });

  it("answers as the served OpenAPI document says", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
