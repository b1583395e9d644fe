// The control plane end to end over HTTP: a real store, a real managed PostgreSQL node, fake-but-real
// agent reports. Every JSON response is checked against the served OpenAPI document at the end.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { get as httpGet, type IncomingHttpHeaders } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { ROUTES } from "@pgaas/api";
import { DATABASE_PARAMETERS, parseQuantity } from "@pgaas/common/wire";
import {
  ADMIN,
  ADMIN_ROLE_PASSWORD,
  type Auth,
  type Harness,
  loginCookie,
  pairRegistration,
  type Reply,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import { Validator } from "@seriousme/openapi-schema-validator";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { precompressDirectory } from "../src/http/asset-compression.js";
import { checkResponses, type Recorded } from "./support/openapi-check.js";

let h: Harness;
const recorded: Recorded[] = [];
let admin: Auth;
let member: Auth;
let other: Auth;
let pairId = "";
let tokens: Record<string, string> = {};
/** When n1 last reported itself as the writable primary (the failover is measured from it). */
let n1WritableAt = 0;
/** When n2 reported itself promoted (timeline 2, synchronous replication degraded). */
let n2PromotedAt = 0;

async function call(
  method: string,
  path: string,
  options: { body?: unknown; auth?: Auth; raw?: string } = {},
): Promise<Reply> {
  const reply = await h.call(method, path, options);
  recorded.push({ method, path, status: reply.status, body: reply.body });
  return reply;
}

const errorBody = (reply: Reply, code: string, message: string, details?: unknown, field?: string) =>
  expect(reply.body).toEqual({
    error: {
      code,
      message,
      ...(details === undefined ? {} : { details }),
      ...(field === undefined ? {} : { field }),
    },
    requestId: reply.headers.get("x-request-id"),
  });

let webDir = "";
/** A stand-in bundle big enough to be compressed, and a small unhashed file that is not. */
const BUNDLE = Array.from({ length: 400 }, (_, i) => `export const part${i} = "portal part ${i}";`).join(
  "\n",
);
const ICON = '<svg xmlns="http://www.w3.org/2000/svg"/>';

/** A GET with exactly these headers (fetch would add Accept-Encoding and decode the body). */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolveReply, reject) => {
    const request = httpGet(new URL(path, h.server.url), { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        resolveReply({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks),
        }),
      );
      response.on("error", reject);
    });
    request.setTimeout(10_000, () => request.destroy(new Error(`GET ${path} timed out`)));
    request.on("error", reject);
  });
}

beforeAll(async () => {
  // A stand-in for the built portal: the server serves it with an SPA fallback.
  webDir = await mkdtemp(join(tmpdir(), "pgs-web-"));
  await mkdir(join(webDir, "assets"));
  await writeFile(join(webDir, "index.html"), "<!doctype html><title>pgaas portal</title>");
  await writeFile(join(webDir, "assets", "app.js"), "console.log('portal');");
  // What `npm run build:web` does to the build: compressed copies beside each file it found big enough.
  await writeFile(join(webDir, "assets", "built-77aa0b.js"), BUNDLE);
  expect(await precompressDirectory(webDir)).toBe(1);
  // Added after that "build": the server compresses it itself.
  await writeFile(join(webDir, "assets", "bundle-3f9a1c.js"), BUNDLE);
  await writeFile(join(webDir, "favicon.svg"), ICON);
  h = await startHarness({ webDir });
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  for (const email of ["member@example.com", "other@example.com"]) {
    const created = await call("POST", "/v1/users", {
      auth: admin,
      body: { email, password: "member-password-1", role: "member" },
    });
    expect(created.status).toBe(201);
  }
  member = { cookie: await loginCookie(h, "member@example.com", "member-password-1") };
  other = { cookie: await loginCookie(h, "other@example.com", "member-password-1") };
});

afterAll(async () => {
  await h?.stop();
  await rm(webDir, { recursive: true, force: true });
});

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
    pairId = body.pair.id;
    tokens = body.agentTokens;
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
    n1WritableAt = t0.getTime();
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
    expect([view.primary, view.health, view.syncState, view.lagBytes]).toEqual(["n1", "healthy", "sync", 0]);
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

describe("databases", () => {
  let databaseId = "";
  let password = "";

  it("creates a database on the primary and returns the password once", async () => {
    const reply = await call("POST", "/v1/databases", {
      auth: member,
      body: { pairId, name: "shop", settings: { statement_timeout: 5000, jit: false }, connectionLimit: 20 },
    });
    expect(reply.status).toBe(201);
    const body = reply.body as {
      database: { id: string; owner: string; settings: unknown; connectionLimit: number };
      credentials: { username: string; password: string };
      connectionUri: string;
    };
    expect(body.database.owner).toBe("shop");
    expect(body.database.settings).toEqual({ statement_timeout: 5000, jit: false });
    expect(body.database.connectionLimit).toBe(20);
    expect(body.connectionUri).toBe(
      `postgresql://shop:${body.credentials.password}@127.0.0.1:${h.node.port}/shop`,
    );
    databaseId = body.database.id;
    password = body.credentials.password;
    const client = new pg.Client({ connectionString: body.connectionUri });
    await client.connect();
    const { rows } = await client.query("SHOW statement_timeout");
    await client.end();
    expect(rows).toEqual([{ statement_timeout: "5s" }]);
  });

  it("closes the database to PUBLIC", async () => {
    const admin = new pg.Client({ connectionString: h.node.url });
    await admin.connect();
    const { rows } = await admin.query(
      "SELECT datacl::text[] AS acl FROM pg_database WHERE datname = 'shop'",
    );
    await admin.end();
    expect((rows[0] as { acl: string[] }).acl.some((entry) => entry.startsWith("=c"))).toBe(false);
  });

  it("hides the database from other members and shows it to its owner", async () => {
    expect((await call("GET", `/v1/databases/${databaseId}`, { auth: other })).status).toBe(404);
    const list = await call("GET", "/v1/databases", { auth: other });
    expect(list.body).toEqual({ databases: [] });
    const mine = await call("GET", "/v1/databases", { auth: member });
    expect((mine.body as { databases: { name: string }[] }).databases.map((db) => db.name)).toEqual(["shop"]);
  });

  it.each([
    ["quote", "sh'op", "Quotes are not allowed."],
    ["double quote", 'sh"op', "Quotes are not allowed."],
    ["upper case", "Shop", "Upper case is not allowed: use a–z."],
    ["space", "my shop", "Spaces are not allowed."],
    ["unicode", "shöp", 'Not allowed: "ö". Use a–z, 0–9 and _.'],
    ["64 chars", `a${"b".repeat(63)}`, "Too long by 1 character (at most 63)."],
    ["reserved", "postgres", '"postgres" is reserved by PostgreSQL or pgaas.'],
    ["pg_ prefix", "pg_shop", "Names starting with pg_ are reserved by PostgreSQL."],
    [
      "injection",
      "x; DROP DATABASE shop",
      'Upper case is not allowed: use a–z. Spaces are not allowed. Not allowed: ";". Use a–z, 0–9 and _.',
    ],
  ])("refuses the database name with %s, naming the rule", async (_label, name, rule) => {
    const reply = await call("POST", "/v1/databases", { auth: member, body: { pairId, name } });
    expect(reply.status).toBe(400);
    errorBody(reply, "invalid_input", "invalid body", { body: [{ path: "name", message: rule }] });
  });

  it("ties a taken name to the field that collides", async () => {
    const name = await call("POST", "/v1/databases", { auth: member, body: { pairId, name: "shop" } });
    expect(name.status).toBe(409);
    errorBody(
      name,
      "database_exists",
      "a database or owner with this name exists on the pair",
      undefined,
      "name",
    );
    const owner = await call("POST", "/v1/databases", {
      auth: member,
      body: { pairId, name: "shop_two", owner: "shop" },
    });
    expect(owner.status).toBe(409);
    errorBody(
      owner,
      "database_exists",
      "a database or owner with this name exists on the pair",
      undefined,
      "owner",
    );
  });

  it("validates settings by whitelist, type and range", async () => {
    const reply = await call("PATCH", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { settings: { work_mem: 1, jit: "yes", "statement_timeout'; --": 1, shared_buffers: 100 } },
    });
    expect(reply.status).toBe(400);
    errorBody(reply, "invalid_settings", "invalid settings", {
      settings: {
        jit: "must be true or false",
        shared_buffers: "not a parameter you may change",
        "statement_timeout'; --": "not a parameter you may change",
        work_mem: "must be between 64 and 4194304 (kB)",
      },
    });
  });

  it("reads a quantity with a unit as PostgreSQL itself does", async () => {
    const samples: [string, string][] = [
      ["statement_timeout", "30s"],
      ["statement_timeout", "1.5min"],
      ["statement_timeout", "2500us"],
      ["statement_timeout", "1500us"],
      ["statement_timeout", " 7 h "],
      ["statement_timeout", "1e3"],
      ["statement_timeout", "0.0001s"],
      ["statement_timeout", "100.5"],
      ["work_mem", "1.5MB"],
      ["work_mem", "66048B"],
      ["work_mem", "67072B"],
      ["work_mem", "0.1GB"],
      ["maintenance_work_mem", "1.25GB"],
    ];
    const client = new pg.Client({ connectionString: h.node.url });
    await client.connect();
    try {
      for (const [name, text] of samples) {
        const spec = DATABASE_PARAMETERS.find((candidate) => candidate.name === name);
        if (spec === undefined) throw new Error(`no spec ${name}`);
        await client.query(`SET ${name} = '${text}'`);
        const { rows } = await client.query<{ setting: string }>(
          "SELECT setting FROM pg_settings WHERE name = $1",
          [name],
        );
        expect([name, text, parseQuantity(spec, text)]).toEqual([
          name,
          text,
          { ok: true, value: Number(rows[0]?.setting) },
        ]);
      }
    } finally {
      await client.end();
    }
  });

  it("keeps a value given with a unit in the base unit", async () => {
    const reply = await call("PATCH", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { settings: { statement_timeout: "1.5min" } },
    });
    expect(reply.status).toBe(200);
    expect((reply.body as { database: { settings: unknown } }).database.settings).toEqual({
      statement_timeout: 90_000,
      jit: false,
    });
  });

  it("changes settings and the connection limit on the server", async () => {
    const reply = await call("PATCH", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { settings: { work_mem: 8192, statement_timeout: null }, connectionLimit: 7 },
    });
    expect(reply.status).toBe(200);
    const db = (reply.body as { database: { settings: unknown; connectionLimit: number } }).database;
    expect(db.settings).toEqual({ jit: false, work_mem: 8192 });
    expect(db.connectionLimit).toBe(7);
    const client = new pg.Client({ connectionString: h.node.url });
    await client.connect();
    const { rows } = await client.query(
      "SELECT d.datconnlimit, s.setconfig FROM pg_database d LEFT JOIN pg_db_role_setting s ON s.setdatabase = d.oid AND s.setrole = 0 WHERE d.datname = 'shop'",
    );
    await client.end();
    expect(rows).toEqual([{ datconnlimit: 7, setconfig: ["jit=off", "work_mem=8192"] }]);
  });

  it("pools a database: refused without a pooler; then the pooled URI, and both nodes get the list", async () => {
    const refused = await call("PATCH", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { pooling: true },
    });
    expect(refused.status).toBe(409);
    errorBody(
      refused,
      "pooler_not_available",
      "this pair was registered without a connection pooler",
      undefined,
      "pooling",
    );
    const registration = pairRegistration(h);
    const withPooler = {
      endpoint: { ...registration.endpoint, poolerPort: 6432 },
      nodes: registration.nodes,
    };
    expect((await call("PUT", `/v1/pairs/${pairId}`, { auth: admin, body: withPooler })).status).toBe(200);
    // Each node takes its commands with a metrics report (which changes no node state).
    const takeCommands = async (node: "n1" | "n2") => {
      const ack = await call("POST", "/v1/agent/report", {
        auth: { bearer: tokens[node] as string },
        body: {
          reports: [
            {
              ...stateReport(new Date(), stateSample()),
              kind: "metrics",
              state: undefined,
              databases: [],
              host: {
                dataDiskUsedBytes: 1,
                dataDiskTotalBytes: 100,
                load1: 0,
                memoryUsedBytes: 1,
                memoryTotalBytes: 2,
              },
            },
          ],
        },
      });
      const commands = (ack.body as { commands: { type: string; pooledDatabases?: string[] }[] }).commands;
      return commands.map((command) => [command.type, command.pooledDatabases]);
    };
    const on = await call("PATCH", `/v1/databases/${databaseId}`, { auth: member, body: { pooling: true } });
    expect(on.status).toBe(200);
    const pooled = (on.body as { database: { pooling: boolean; poolerPort: number | null } }).database;
    expect([pooled.pooling, pooled.poolerPort]).toEqual([true, 6432]);
    const connection = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: member });
    const uris = (connection.body as { connection: { connectionUri: string; pooledConnectionUri: string } })
      .connection;
    expect([uris.connectionUri, uris.pooledConnectionUri]).toEqual([
      `postgresql://shop@127.0.0.1:${h.node.port}/shop`,
      "postgresql://shop@127.0.0.1:6432/shop",
    ]);
    expect([await takeCommands("n1"), await takeCommands("n2")]).toEqual([
      [["set_pooled_databases", ["shop"]]],
      [["set_pooled_databases", ["shop"]]],
    ]);
    // Switched off (twice before delivery): only the newest list reaches each node.
    await call("PATCH", `/v1/databases/${databaseId}`, { auth: member, body: { pooling: true } });
    const off = await call("PATCH", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { pooling: false },
    });
    expect((off.body as { database: { pooling: boolean } }).database.pooling).toBe(false);
    expect([await takeCommands("n1"), await takeCommands("n2")]).toEqual([
      [["set_pooled_databases", []]],
      [["set_pooled_databases", []]],
    ]);
    const after = await call("GET", `/v1/databases/${databaseId}/connection`, { auth: member });
    expect((after.body as { connection: { pooledConnectionUri: null } }).connection.pooledConnectionUri).toBe(
      null,
    );
  });

  it("runs the access request flow: request, approve, collect once, revoke", async () => {
    const request = await call("POST", "/v1/access-requests", {
      auth: other,
      body: { databaseId, level: "read_only", reason: "reporting" },
    });
    expect(request.status).toBe(201);
    const requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
    expect(
      (await call("POST", `/v1/access-requests/${requestId}/approve`, { auth: other, body: {} })).status,
    ).toBe(403);
    const approved = await call("POST", `/v1/access-requests/${requestId}/approve`, {
      auth: member,
      body: { note: "ok" },
    });
    expect(approved.status).toBe(200);
    const grant = (
      approved.body as { accessRequest: { state: string; roleName: string; credentialsAvailable: boolean } }
    ).accessRequest;
    expect([grant.state, grant.roleName, grant.credentialsAvailable]).toEqual([
      "approved",
      `shop_ro_${requestId.replaceAll("-", "").slice(0, 6)}`,
      true,
    ]);
    const owner = new pg.Client({
      connectionString: `postgresql://shop:${password}@127.0.0.1:${h.node.port}/shop`,
    });
    await owner.connect();
    await owner.query("CREATE TABLE items (id int PRIMARY KEY)");
    await owner.query("INSERT INTO items VALUES (1)");
    await owner.end();
    const collected = await call("POST", `/v1/access-requests/${requestId}/credentials`, { auth: other });
    expect(collected.status).toBe(200);
    const uri = (collected.body as { connectionUri: string }).connectionUri;
    const again = await call("POST", `/v1/access-requests/${requestId}/credentials`, { auth: other });
    expect(again.status).toBe(409);
    const reader = new pg.Client({ connectionString: uri });
    await reader.connect();
    expect((await reader.query("SELECT id FROM items")).rows).toEqual([{ id: 1 }]);
    await expect(reader.query("INSERT INTO items VALUES (2)")).rejects.toThrow(
      "permission denied for table items",
    );
    await reader.end();
    const revoked = await call("POST", `/v1/access-requests/${requestId}/revoke`, { auth: member });
    expect((revoked.body as { accessRequest: { state: string } }).accessRequest.state).toBe("revoked");
    await expect(new pg.Client({ connectionString: uri }).connect()).rejects.toThrow(
      /password authentication failed/,
    );
  });

  it("sets pair-level parameters on both nodes and reports pending restarts", async () => {
    const reply = await call("PUT", `/v1/pairs/${pairId}/settings`, {
      auth: admin,
      body: { settings: { log_min_duration_statement: 250, max_connections: 150 } },
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({
      settings: { log_min_duration_statement: 250, max_connections: 150 },
      // shared_buffers is pending too: the throwaway server runs with -c shared_buffers=16MB,
      // which differs from its postgresql.conf. PostgreSQL's own answer is reported as is.
      nodes: [
        { node: "n1", pendingRestart: ["max_connections", "shared_buffers"] },
        { node: "n2", pendingRestart: ["max_connections", "shared_buffers"] },
      ],
      pendingRestart: true,
    });
  });

  it("serves reports as JSON, CSV and HTML", async () => {
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const json = await call("GET", `/v1/reports/pairs/${pairId}?from=${from}&to=${to}`, { auth: member });
    expect(json.status).toBe(200);
    // The pair is younger than the hour asked for: the report starts when it was registered.
    const pair = await call("GET", `/v1/pairs/${pairId}`, { auth: member });
    const report = json.body as { from: string; summary: { failovers: number } };
    expect([report.from, report.summary.failovers]).toEqual([
      (pair.body as { pair: { createdAt: string } }).pair.createdAt,
      0,
    ]);
    const csv = await call("GET", `/v1/reports/databases/${databaseId}?from=${from}&to=${to}&format=csv`, {
      auth: member,
    });
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toMatch(
      /^attachment; filename=shop-\d{8}T\d{4}Z-\d{8}T\d{4}Z\.csv$/,
    );
    expect(csv.text.split("\n")[0]).toBe(
      "at,sizeBytes,connections,commitsPerSecond,rollbacksPerSecond,cacheHitRatio,deadlocks,tempBytes,lagBytes,lagSeconds",
    );
    const html = await call("GET", `/v1/reports/databases/${databaseId}?from=${from}&to=${to}&format=html`, {
      auth: member,
    });
    expect(html.text).toContain("<h1>Database shop</h1>");
  });

  it("deletes only with the right confirmation and keeps the record", async () => {
    const wrong = await call("DELETE", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { confirm: "shopx" },
    });
    expect(wrong.status).toBe(400);
    errorBody(wrong, "confirmation_mismatch", "confirm must equal the database name", undefined, "confirm");
    const refused = await call("DELETE", `/v1/pairs/${pairId}`, { auth: admin });
    expect(refused.status).toBe(409);
    const ok = await call("DELETE", `/v1/databases/${databaseId}`, {
      auth: member,
      body: { confirm: "shop" },
    });
    // No backup repository reported on this pair: the delete says it asked for none.
    expect([ok.status, (ok.body as { backupRequestId: string | null }).backupRequestId]).toEqual([200, null]);
    const kept = await call("GET", "/v1/databases?includeDeleted=true", { auth: member });
    expect(
      (kept.body as { databases: { name: string; state: string }[] }).databases.map((db) => [
        db.name,
        db.state,
      ]),
    ).toEqual([["shop", "deleted"]]);
  });
});

describe("failover and switchover events", () => {
  it("follows a failover: newest writable report wins and an event is measured", async () => {
    const t = Date.now();
    n2PromotedAt = t;
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
    const command = (requested.body as { command: { id: string; nodeName: string; state: string } }).command;
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

describe("auth matrix", () => {
  const sampleId = "00000000-0000-4000-8000-000000000000";
  const pathOf = (path: string) => path.replace(/:id/g, sampleId);

  it.each(ROUTES.filter((route) => route.auth !== "public").map((route) => [route.id, route] as const))(
    "%s: anonymous 401, wrong credential kind 403",
    async (_id, route) => {
      const body = route.method === "get" ? {} : { body: {} };
      const anonymous = await call(route.method.toUpperCase(), pathOf(route.path), body);
      expect(anonymous.status).toBe(401);
      errorBody(anonymous, "unauthenticated", "authentication required");
      const wrongKind: Auth = route.auth === "agent" ? admin : { bearer: tokens.n1 as string };
      const forbidden = await call(route.method.toUpperCase(), pathOf(route.path), {
        auth: wrongKind,
        ...body,
      });
      expect(forbidden.status).toBe(403);
    },
  );

  it.each(ROUTES.filter((route) => route.auth === "admin").map((route) => [route.id, route] as const))(
    "%s: members get 403",
    async (_id, route) => {
      const reply = await call(route.method.toUpperCase(), pathOf(route.path), {
        auth: member,
        ...(route.method === "get" ? {} : { body: {} }),
      });
      expect(reply.status).toBe(403);
      errorBody(reply, "forbidden", "admins only");
    },
  );

  it("refuses a forged or rotated agent token", async () => {
    const forged = await call("POST", "/v1/agent/report", {
      auth: { bearer: `pgaas_agent_${"A".repeat(43)}` },
      body: {},
    });
    expect(forged.status).toBe(401);
    errorBody(forged, "invalid_token", "invalid or expired token");
  });

  it("answers a session cookie with a malformed escape as an expired session, not a server error", async () => {
    const reply = await call("GET", "/v1/auth/me", { auth: { cookie: "pgaas_session=%E0%A4%A" } });
    expect(reply.status).toBe(401);
    errorBody(reply, "session_expired", "session expired; sign in again");
  });
});

describe("users, tokens and pair lifecycle", () => {
  it("issues API tokens shown once, usable as Bearer, revocable", async () => {
    const created = await call("POST", "/v1/tokens", { auth: member, body: { name: "ci" } });
    expect(created.status).toBe(201);
    const { token, secret } = created.body as { token: { id: string; prefix: string }; secret: string };
    expect(secret.startsWith(token.prefix)).toBe(true);
    const me = await call("GET", "/v1/auth/me", { auth: { bearer: secret } });
    expect((me.body as { user: { email: string } }).user.email).toBe("member@example.com");
    const listed = await call("GET", "/v1/tokens", { auth: member });
    const tokensListed = (listed.body as { tokens: { id: string; lastUsedAt: string | null }[] }).tokens;
    expect(tokensListed.map((t) => [t.id, t.lastUsedAt !== null])).toEqual([[token.id, true]]);
    expect(listed.text).not.toContain(secret);
    expect((await call("DELETE", `/v1/tokens/${token.id}`, { auth: other })).status).toBe(404);
    expect((await call("DELETE", `/v1/tokens/${token.id}`, { auth: member })).status).toBe(204);
    const after = await call("GET", "/v1/auth/me", { auth: { bearer: secret } });
    expect(after.status).toBe(401);
    errorBody(after, "invalid_token", "invalid or expired token");
  });

  it("refuses a duplicate user and ends the sessions of a disabled one", async () => {
    const duplicate = await call("POST", "/v1/users", {
      auth: admin,
      body: { email: "Member@Example.com", password: "another-password-1", role: "member" },
    });
    expect(duplicate.status).toBe(409);
    errorBody(duplicate, "user_exists", "a user with this email exists", undefined, "email");
    const created = await call("POST", "/v1/users", {
      auth: admin,
      body: { email: "leaver@example.com", password: "leaver-password-1", role: "member" },
    });
    const leaverId = (created.body as { user: { id: string } }).user.id;
    const leaver = { cookie: await loginCookie(h, "leaver@example.com", "leaver-password-1") };
    const disabled = await call("PATCH", `/v1/users/${leaverId}`, { auth: admin, body: { disabled: true } });
    expect((disabled.body as { user: { disabled: boolean } }).user.disabled).toBe(true);
    const refused = await call("GET", "/v1/auth/me", { auth: leaver });
    expect(refused.status).toBe(401);
    errorBody(refused, "session_expired", "session expired; sign in again");
  });

  it("updates a pair idempotently and refuses renamed nodes", async () => {
    const nodes = [
      { name: "n1", address: "127.0.0.1", port: h.node.port, agentPort: 9187 },
      { name: "n2", address: "127.0.0.1", port: h.node.port, agentPort: 9189 },
    ];
    const body = { endpoint: { host: "127.0.0.1", port: h.node.port }, nodes };
    const first = await call("PUT", `/v1/pairs/${pairId}`, { auth: admin, body });
    const second = await call("PUT", `/v1/pairs/${pairId}`, { auth: admin, body });
    expect(first.status).toBe(200);
    const agentPorts = (reply: Reply) =>
      (reply.body as { pair: { nodes: { agentPort: number }[] } }).pair.nodes.map((n) => n.agentPort);
    expect([agentPorts(first), agentPorts(second)]).toEqual([
      [9187, 9189],
      [9187, 9189],
    ]);
    const renamed = await call("PUT", `/v1/pairs/${pairId}`, {
      auth: admin,
      body: { ...body, nodes: [nodes[0], { ...nodes[1], name: "n3" }] },
    });
    expect(renamed.status).toBe(400);
    errorBody(
      renamed,
      "node_names_changed",
      "node names cannot change; deregister and register the pair again",
      {
        unknown: ["n3"],
        known: ["n1", "n2"],
      },
    );
  });

  it("rotates agent tokens: the old ones stop working", async () => {
    const old = tokens.n1 as string;
    const rotated = await call("POST", `/v1/pairs/${pairId}/agent-tokens`, { auth: admin });
    expect(Object.keys((rotated.body as { agentTokens: Record<string, string> }).agentTokens).sort()).toEqual(
      ["n1", "n2"],
    );
    tokens = (rotated.body as { agentTokens: Record<string, string> }).agentTokens;
    const refused = await call("POST", "/v1/agent/report", {
      auth: { bearer: old },
      body: { reports: [stateReport(new Date(), stateSample())] },
    });
    expect(refused.status).toBe(401);
    const accepted = await call("POST", "/v1/agent/report", {
      auth: { bearer: tokens.n1 as string },
      body: {
        reports: [
          stateReport(new Date(), stateSample({ role: "standby", writable: false, syncState: "none" })),
        ],
      },
    });
    expect((accepted.body as { accepted: number }).accepted).toBe(1);
  });

  it("denies an access request and answers 404 for unknown ids and 400 for a reversed range", async () => {
    const created = await call("POST", "/v1/databases", { auth: member, body: { pairId, name: "ledger" } });
    expect(created.status).toBe(201);
    const databaseId = (created.body as { database: { id: string } }).database.id;
    const request = await call("POST", "/v1/access-requests", {
      auth: other,
      body: { databaseId, level: "read_write", reason: "ops" },
    });
    const requestId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
    const again = await call("POST", "/v1/access-requests", {
      auth: other,
      body: { databaseId, level: "read_only", reason: "ops" },
    });
    errorBody(again, "request_exists", "you already have an open request or a grant");
    const denied = await call("POST", `/v1/access-requests/${requestId}/deny`, {
      auth: admin,
      body: { note: "no" },
    });
    expect(
      (denied.body as { accessRequest: { state: string; decisionNote: string } }).accessRequest,
    ).toMatchObject({ state: "denied", decisionNote: "no" });
    const listed = await call("GET", "/v1/access-requests?state=denied", { auth: other });
    expect((listed.body as { accessRequests: { id: string }[] }).accessRequests.map((a) => a.id)).toEqual([
      requestId,
    ]);
    const missing = await call("GET", "/v1/pairs/00000000-0000-4000-8000-000000000000", { auth: member });
    expect(missing.status).toBe(404);
    errorBody(missing, "pair_not_found", "pair not found");
    const reversed = await call(
      "GET",
      `/v1/reports/databases/${databaseId}?from=2026-11-29T10:00:00Z&to=2026-11-29T09:00:00Z`,
      { auth: member },
    );
    expect(reversed.status).toBe(400);
    errorBody(reversed, "invalid_input", "invalid query", {
      query: [{ path: "", message: "from must be before to" }],
    });
  });

  it("deregisters a pair with databases only when forced", async () => {
    const refused = await call("DELETE", `/v1/pairs/${pairId}`, { auth: admin });
    errorBody(
      refused,
      "pair_has_databases",
      "the pair still has 1 database(s); pass force=true to deregister anyway",
      { databases: 1 },
    );
    expect((await call("DELETE", `/v1/pairs/${pairId}?force=true`, { auth: admin })).status).toBe(204);
    expect((await call("GET", `/v1/pairs/${pairId}`, { auth: admin })).status).toBe(404);
  });

  it("logs out: the session cookie no longer works", async () => {
    const session = { cookie: await loginCookie(h, "other@example.com", "member-password-1") };
    expect((await call("POST", "/v1/auth/logout", { auth: session })).status).toBe(204);
    expect((await call("GET", "/v1/auth/me", { auth: session })).status).toBe(401);
  });
});

describe("API surface", () => {
  it("limits the body size", async () => {
    const reply = await call("POST", "/v1/auth/login", {
      raw: JSON.stringify({ email: "a@b.c", password: "x".repeat(2_000_000) }),
    });
    expect(reply.status).toBe(413);
    errorBody(reply, "payload_too_large", "request body too large");
  });

  it("rate-limits failed logins", async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 6; attempt += 1) {
      statuses.push(
        (await call("POST", "/v1/auth/login", { body: { email: "nobody@example.com", password: "wrong" } }))
          .status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it("records mutations in the audit log", async () => {
    const reply = await call("GET", "/v1/audit?limit=1000", { auth: admin });
    const entries = (reply.body as { entries: { action: string; outcome: string; actor: string }[] }).entries;
    const succeeded = (action: string) =>
      entries.filter((e) => e.action === action && e.outcome === "succeeded").length;
    const actions = [
      "login",
      "createUser",
      "registerPair",
      "createDatabase",
      "deleteDatabase",
      "approveAccessRequest",
      "switchover",
    ];
    expect(Object.fromEntries(actions.map((action) => [action, succeeded(action)]))).toEqual({
      login: 5,
      createUser: 3,
      registerPair: 1,
      createDatabase: 2,
      deleteDatabase: 1,
      approveAccessRequest: 1,
      switchover: 1,
    });
    // Refused attempts are recorded with who tried: the duplicate (admin), the member, an agent token.
    const refused = entries
      .filter((e) => e.action === "registerPair" && e.outcome === "failed")
      .map((e) => e.actor);
    expect(refused.sort()).toEqual(["agent:orders/n1", "user:admin@example.com", "user:member@example.com"]);
    expect(JSON.stringify(reply.body)).not.toContain(ADMIN_ROLE_PASSWORD);
  });

  it("answers unknown API routes with the standard error body", async () => {
    const reply = await h.call("GET", "/v1/nope", { auth: admin });
    expect(reply.status).toBe(404);
    errorBody(reply, "route_not_found", "no such route");
  });

  it("serves the web portal with an SPA fallback outside /v1", async () => {
    const index = "<!doctype html><title>pgaas portal</title>";
    expect((await h.call("GET", "/")).text).toBe(index);
    expect((await h.call("GET", "/pairs/some-id/settings")).text).toBe(index);
    expect((await h.call("GET", "/assets/app.js")).text).toBe("console.log('portal');");
  });

  it("serves the bundle brotli-compressed to a browser, cached for a year", async () => {
    const reply = await rawGet("/assets/bundle-3f9a1c.js", { "accept-encoding": "gzip, deflate, br, zstd" });
    expect(reply.status).toBe(200);
    expect(reply.headers["content-encoding"]).toBe("br");
    expect(reply.headers.vary).toBe("Accept-Encoding");
    expect(reply.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(reply.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(reply.headers["content-length"]).toBe(String(reply.body.length));
    expect(brotliDecompressSync(reply.body).toString()).toBe(BUNDLE);
    expect(reply.body.length).toBeLessThan(BUNDLE.length / 4);
  });

  it("sends the build's own compressed copies as they are", async () => {
    for (const [encoding, suffix] of [
      ["br", ".br"],
      ["gzip", ".gz"],
    ] as const) {
      const reply = await rawGet("/assets/built-77aa0b.js", { "accept-encoding": encoding });
      expect(reply.headers["content-encoding"]).toBe(encoding);
      expect(reply.body.equals(await readFile(join(webDir, "assets", `built-77aa0b.js${suffix}`)))).toBe(
        true,
      );
    }
  });

  it("falls back to gzip, and to the plain file, as Accept-Encoding says", async () => {
    const gzipped = await rawGet("/assets/bundle-3f9a1c.js", { "accept-encoding": "br;q=0, gzip" });
    expect(gzipped.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gzipped.body).toString()).toBe(BUNDLE);
    const plain = await rawGet("/assets/bundle-3f9a1c.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(plain.body.toString()).toBe(BUNDLE);
    const refused = await rawGet("/assets/bundle-3f9a1c.js", { "accept-encoding": "identity, *;q=0" });
    expect(refused.headers["content-encoding"]).toBeUndefined();
    expect(refused.body.toString()).toBe(BUNDLE);
  });

  it("revalidates index.html and unhashed files, and answers 304 to a matching ETag", async () => {
    for (const path of ["/", "/databases/some-id"]) {
      const index = await rawGet(path, { "accept-encoding": "br" });
      expect([path, index.status, index.headers["cache-control"], index.body.toString()]).toEqual([
        path,
        200,
        "no-cache",
        "<!doctype html><title>pgaas portal</title>",
      ]);
    }
    const icon = await rawGet("/favicon.svg", { "accept-encoding": "br" });
    expect(icon.headers["content-type"]).toBe("image/svg+xml");
    expect(icon.headers["cache-control"]).toBe("no-cache");
    expect(icon.headers["content-encoding"]).toBeUndefined();
    expect(icon.body.toString()).toBe(ICON);
    const again = await rawGet("/favicon.svg", { "if-none-match": String(icon.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it("answers a missing hashed asset with 404 and never serves a file above its directory", async () => {
    const missing = await rawGet("/assets/bundle-0000.js");
    expect([missing.status, missing.body.toString()]).toEqual([404, "not found"]);
    const climbing = await rawGet("/%2e%2e/%2e%2e/%2e%2e/etc/hostname");
    expect([climbing.status, climbing.body.toString()]).toEqual([
      200,
      "<!doctype html><title>pgaas portal</title>",
    ]);
  });

  it("serves /healthz, /metrics and /docs", async () => {
    expect((await h.call("GET", "/healthz")).body).toEqual({ status: "ok" });
    expect((await h.call("GET", "/metrics", { auth: admin })).text).toContain(
      'pgaas_agent_reports_total{outcome="accepted"}',
    );
    expect((await h.call("GET", "/docs")).text).toContain("swagger-ui-bundle.js");
    expect((await h.call("GET", "/docs/assets/swagger-ui-bundle.js")).status).toBe(200);
  });

  it("logs no secrets", () => {
    const all = h.logLines.join("\n");
    expect(all).not.toContain(ADMIN_ROLE_PASSWORD);
    expect(all).not.toContain(ADMIN.password);
  });

  it("publishes a valid OpenAPI 3.1 document that every tested response matches", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    const validator = new Validator();
    const result = await validator.validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.values(doc.paths).reduce((count, methods) => count + Object.keys(methods).length, 0)).toBe(
      ROUTES.length,
    );
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
