// Query insights over HTTP against a real store and a real managed PostgreSQL with pg_stat_statements
// preloaded: a database's statements, whoever ran them, and never another database's.
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
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMembers } from "./support/members.js";
import { checkResponses } from "./support/openapi-check.js";
import { errorCode, recordedCalls } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let owner: Auth;
let stranger: Auth;
let ledgerId = "";

const { call, recorded } = recordedCalls(() => h);

async function runAs(user: string, password: string, database: string, statements: string[]) {
  const client = new pg.Client({ host: "127.0.0.1", port: h.node.port, user, password, database });
  await client.connect();
  try {
    for (const statement of statements) await client.query(statement);
  } finally {
    await client.end();
  }
}

async function createDatabase(
  auth: Auth,
  pairId: string,
  name: string,
): Promise<{ id: string; password: string }> {
  const created = await call("POST", "/v1/databases", { auth, body: { pairId, name } });
  expect(created.status).toBe(201);
  const body = created.body as { database: { id: string }; credentials: { password: string } };
  return { id: body.database.id, password: body.credentials.password };
}

interface Statement {
  query: string;
  role: string;
  calls: number;
  rows: number;
  totalTimeMs: number;
  meanTimeMs: number;
  cacheHitRatio: number | null;
}
const statementsOf = (reply: Reply) => (reply.body as { statements: Statement[] }).statements;

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  [owner, stranger] = await createMembers(h, admin, ["owner@example.com", "stranger@example.com"]);
  const pair = await h.call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  const { pair: registered, agentTokens } = pair.body as {
    pair: { id: string };
    agentTokens: Record<string, string>;
  };
  const report = await h.call("POST", "/v1/agent/report", {
    auth: { bearer: agentTokens.n1 as string },
    body: { reports: [stateReport(new Date(Date.now() - 1000), stateSample())] },
  });
  expect(report.status).toBe(200);
  const ledger = await createDatabase(owner, registered.id, "ledger");
  ledgerId = ledger.id;
  const other = await createDatabase(admin, registered.id, "billing");
  await runAs("ledger", ledger.password, "ledger", [
    "CREATE TABLE entries (id int PRIMARY KEY, amount int NOT NULL)",
    "INSERT INTO entries SELECT g, g * 10 FROM generate_series(1, 100) AS g",
    "SELECT count(*) FROM entries WHERE amount > 500",
    "SELECT count(*) FROM entries WHERE amount > 700",
    "SELECT count(*) FROM entries WHERE amount > 900",
  ]);
  await runAs("billing", other.password, "billing", ["CREATE TABLE invoices_only_in_billing (id int)"]);
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe("query insights", () => {
  it("shows the owner the statements run in their database, normalized, with their counters", async () => {
    const reply = await call("GET", `/v1/databases/${ledgerId}/insights?orderBy=calls`, { auth: owner });
    expect(reply.status).toBe(200);
    const statements = statementsOf(reply);
    const select = statements.find((s) => s.query === "SELECT count(*) FROM entries WHERE amount > $1");
    expect([select?.role, select?.calls, select?.rows]).toEqual(["ledger", 3, 3]);
    const insert = statements.find((s) => s.query.startsWith("INSERT INTO entries"));
    expect([insert?.calls, insert?.rows]).toEqual([1, 100]);
    // The most called statement first; times are non-negative and the mean is total ÷ calls.
    expect(statements[0]?.query).toBe("SELECT count(*) FROM entries WHERE amount > $1");
    for (const s of statements) {
      expect(s.totalTimeMs).toBeGreaterThanOrEqual(0);
      expect(s.meanTimeMs).toBeCloseTo(s.totalTimeMs / s.calls, 6);
      if (s.cacheHitRatio !== null) expect(s.cacheHitRatio >= 0 && s.cacheHitRatio <= 1).toBe(true);
    }
    expect(statements.some((s) => s.query.includes("invoices_only_in_billing"))).toBe(false);
    expect(Number.isNaN(Date.parse(String((reply.body as { since: string }).since)))).toBe(false);
  });

  it("orders and limits as asked", async () => {
    const one = await call("GET", `/v1/databases/${ledgerId}/insights?orderBy=calls&limit=1`, {
      auth: admin,
    });
    expect([one.status, (one.body as { orderBy: string }).orderBy, statementsOf(one).length]).toEqual([
      200,
      "calls",
      1,
    ]);
    const byTotal = statementsOf(await call("GET", `/v1/databases/${ledgerId}/insights`, { auth: owner }));
    const totals = byTotal.map((s) => s.totalTimeMs);
    expect(totals).toEqual([...totals].sort((a, b) => b - a));
  });

  it("shows nothing to whoever may not see the database, and refuses a bad order", async () => {
    const hidden = await call("GET", `/v1/databases/${ledgerId}/insights`, { auth: stranger });
    expect([hidden.status, errorCode(hidden)]).toEqual([404, "database_not_found"]);
    const bad = await call("GET", `/v1/databases/${ledgerId}/insights?orderBy=query`, { auth: owner });
    expect([bad.status, errorCode(bad)]).toEqual([400, "invalid_input"]);
    const tooMany = await call("GET", `/v1/databases/${ledgerId}/insights?limit=101`, { auth: owner });
    expect(tooMany.status).toBe(400);
  });

  it("answers as the served OpenAPI document says", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
