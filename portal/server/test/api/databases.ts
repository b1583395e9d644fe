// The story, part 2: databases on the pair: create, visibility, names, settings, access requests,
// pair parameters, reports, delete.
import { DATABASE_PARAMETERS, parseQuantity } from "@pgaas/common/wire";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { admin, call, errorBody, h, member, other, pairId } from "../support/api-story.js";

export function databases(): void {
  describe("databases", () => {
    let databaseId = "";
    let password = "";

    it("creates a database on the primary and returns the password once", async () => {
      const reply = await call("POST", "/v1/databases", {
        auth: member,
        body: {
          pairId,
          name: "shop",
          settings: { statement_timeout: 5000, jit: false },
          connectionLimit: 20,
        },
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
      expect((mine.body as { databases: { name: string }[] }).databases.map((db) => db.name)).toEqual([
        "shop",
      ]);
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
      const html = await call(
        "GET",
        `/v1/reports/databases/${databaseId}?from=${from}&to=${to}&format=html`,
        {
          auth: member,
        },
      );
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
      expect([ok.status, (ok.body as { backupRequestId: string | null }).backupRequestId]).toEqual([
        200,
        null,
      ]);
      const kept = await call("GET", "/v1/databases?includeDeleted=true", { auth: member });
      expect(
        (kept.body as { databases: { name: string; state: string }[] }).databases.map((db) => [
          db.name,
          db.state,
        ]),
      ).toEqual([["shop", "deleted"]]);
    });
  });
}
