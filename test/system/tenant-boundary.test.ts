// The tenant boundary on a real pair (n1, n2, witness; agents reporting to the real control plane).
// A tenant who owns a database plants look-alikes of catalog functions and operators in `public` and
// `pg_temp`, points its database's and its role's search_path at them, and records `current_user` in a
// trap table whenever one runs. First the test shows the trap is live (an unpinned admin session falls
// into it); then every control-plane operation on that database runs, and the trap must stay empty.
// Tenants can neither reach the system databases nor another tenant's database nor call the boundary
// functions, and the admin role holds no CREATEROLE and no tenant membership. Needs root.
import {
  connectEndpoint,
  dumpLogs,
  LAB_HOSTS,
  labPairHosts,
  printProgress,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import type pg from "pg";
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "pgb", first: "10.231.70.0/24", count: 5 }, hosts: LAB_HOSTS });
const MEMBER = { email: "member@example.com", password: "member-password-123" };

interface Credentials {
  readonly username: string;
  readonly password: string;
}

/** A connection to the pair's endpoint as `user`. */
const connect = (user: Credentials, database: string) =>
  connectEndpoint(ctx.spec, ctx.secrets, user, database);

async function withClient<T>(user: Credentials, database: string, work: (c: pg.Client) => Promise<T>) {
  const client = await connect(user, database);
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Whatever the server says when a connection is refused, or "connected". */
async function connectOutcome(user: Credentials, database: string): Promise<string> {
  try {
    await withClient(user, database, async () => undefined);
    return "connected";
  } catch (error) {
    return (error as { code?: string }).code ?? (error as Error).message;
  }
}

// Look-alikes of what administrative SQL uses; each records who ran it, then behaves harmlessly.
const TRAPS = [
  "CREATE TABLE public.trap_log (fired_at timestamptz NOT NULL DEFAULT now(), who name NOT NULL, via text NOT NULL)",
  "GRANT INSERT ON public.trap_log TO PUBLIC",
  "CREATE FUNCTION public.trap(via text) RETURNS void LANGUAGE sql AS $$ INSERT INTO public.trap_log (who, via) VALUES (current_user, via) $$",
  "CREATE FUNCTION public.pg_terminate_backend(integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('pg_terminate_backend'); RETURN false; END $$",
  "CREATE FUNCTION public.pg_backend_pid() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('pg_backend_pid'); RETURN 0; END $$",
  "CREATE FUNCTION public.current_database() RETURNS name LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('current_database'); RETURN 'x'; END $$",
  "CREATE FUNCTION public.format(text, text, text) RETURNS text LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('format'); RETURN $1; END $$",
  "CREATE FUNCTION public.pg_get_userbyid(oid) RETURNS name LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('pg_get_userbyid'); RETURN 'x'; END $$",
  "CREATE FUNCTION public.trap_eq(name, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('=(name,text)'); RETURN $1::text OPERATOR(pg_catalog.=) $2; END $$",
  "CREATE OPERATOR public.= (LEFTARG = name, RIGHTARG = text, FUNCTION = public.trap_eq)",
  "CREATE FUNCTION public.trap_text_eq(text, text) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('=(text,text)'); RETURN $1 OPERATOR(pg_catalog.=) $2; END $$",
  "CREATE OPERATOR public.= (LEFTARG = text, RIGHTARG = text, FUNCTION = public.trap_text_eq)",
  "CREATE FUNCTION pg_temp.pg_terminate_backend(integer) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN PERFORM public.trap('pg_temp'); RETURN false; END $$",
];

const ctx = withAgentPair(fixture, {
  name: "tnb",
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 15 },
});

describe("tenant boundary on a real pair", () => {
  it("never runs tenant code as the admin role, and keeps tenants out of system and other databases", async () => {
    try {
      const { pairId } = await deployAgentPair(
        ctx.cp,
        ctx.spec,
        labPairHosts(fixture.lab),
        ctx.secrets,
        printProgress,
      );
      await waitFor(
        "the control plane knows the primary",
        async () => (await ctx.cp.pair(pairId)).primary ?? undefined,
        60_000,
      );
      const admin: Credentials = { username: "pgaas_admin", password: ctx.secrets.adminPassword.reveal() };

      // The admin role: no CREATEROLE, no superuser, member of the monitoring roles only.
      const adminRights = await withClient(admin, "postgres", async (c) => {
        const { rows } = await c.query(
          `SELECT r.rolsuper, r.rolcreaterole, r.rolcreatedb,
                  ARRAY(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                         WHERE m.member = r.oid ORDER BY 1) AS member_of
             FROM pg_roles r WHERE r.rolname = 'pgaas_admin'`,
        );
        return rows[0];
      });
      expect(adminRights).toEqual({
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: true,
        member_of: ["pg_monitor", "pg_signal_backend"],
      });

      const created = await ctx.cp.request("POST", "/v1/databases", { pairId, name: "victim" });
      expect(created.status).toBe(201);
      const victim = created.body as { database: { id: string }; credentials: Credentials };
      const other = await ctx.cp.request("POST", "/v1/databases", { pairId, name: "bystander" });
      expect(other.status).toBe(201);
      const bystander = other.body as { database: { id: string }; credentials: Credentials };
      expect(victim.credentials.username).toBe("victim");

      // The tenant plants its traps and points every search_path it controls at them.
      const owner = victim.credentials;
      await withClient(owner, "victim", async (c) => {
        for (const statement of TRAPS) await c.query(statement);
        await c.query("ALTER DATABASE victim SET search_path = public, pg_catalog");
        await c.query("ALTER ROLE victim SET search_path = public, pg_catalog");
      });
      const trapLog = () =>
        withClient(owner, "victim", async (c) => {
          const { rows } = await c.query<{ who: string; via: string }>(
            "SELECT who::text, via FROM public.trap_log ORDER BY fired_at, via",
          );
          return rows;
        });

      // The trap is live: an admin session that does not pin search_path runs the tenant's function.
      await withClient(admin, "victim", (c) => c.query("SELECT pg_terminate_backend(0)"));
      expect(await trapLog()).toEqual([{ who: "pgaas_admin", via: "pg_terminate_backend" }]);
      await withClient(owner, "victim", (c) => c.query("DELETE FROM public.trap_log"));

      // Every control-plane operation on the database.
      const id = victim.database.id;
      const settings = await ctx.cp.request("PATCH", `/v1/databases/${id}`, {
        settings: { statement_timeout: 5000, work_mem: 8192 },
        connectionLimit: 40,
      });
      expect(settings.status).toBe(200);
      const reset = await ctx.cp.request("PATCH", `/v1/databases/${id}`, { settings: { work_mem: null } });
      expect(reset.status).toBe(200);
      const pairSettings = await ctx.cp.request("PUT", `/v1/pairs/${pairId}/settings`, {
        settings: { log_min_duration_statement: 500 },
      });
      expect(pairSettings.status).toBe(200);

      expect((await ctx.cp.request("POST", "/v1/users", { ...MEMBER, role: "member" })).status).toBe(201);
      const member = await ctx.cp.as(MEMBER);
      const requested = await member("POST", "/v1/access-requests", {
        databaseId: id,
        level: "read_write",
        reason: "boundary test",
      });
      expect(requested.status).toBe(201);
      const requestId = (requested.body as { accessRequest: { id: string } }).accessRequest.id;
      // Pending: the requester sees nothing of the database yet.
      expect((await member("GET", `/v1/databases/${id}`)).status).toBe(404);
      const approved = await ctx.cp.request("POST", `/v1/access-requests/${requestId}/approve`, {});
      expect(approved.status).toBe(200);
      const collected = await member("POST", `/v1/access-requests/${requestId}/credentials`);
      expect(collected.status).toBe(200);
      const grantee = (collected.body as { credentials: Credentials }).credentials;
      await withClient(owner, "victim", (c) => c.query("CREATE TABLE items (id int PRIMARY KEY)"));
      expect(
        await withClient(grantee, "victim", async (c) => {
          await c.query("INSERT INTO items VALUES (1)");
          return (await c.query("SELECT id FROM items")).rows;
        }),
      ).toEqual([{ id: 1 }]);
      for (const format of ["json", "csv", "html"]) {
        const now = new Date();
        const query = `from=${new Date(now.getTime() - 3_600_000).toISOString()}&to=${now.toISOString()}&format=${format}`;
        expect((await ctx.cp.request("GET", `/v1/reports/databases/${id}?${query}`)).status).toBe(200);
      }
      const revoked = await ctx.cp.request("POST", `/v1/access-requests/${requestId}/revoke`);
      expect(revoked.status).toBe(200);
      expect(await connectOutcome(grantee, "victim")).toBe("28P01");

      // Not once did the admin role (or anyone but the tenant) run the tenant's code.
      expect(await trapLog()).toEqual([]);

      // Tenants stay in their own database and cannot call the boundary functions.
      const outcomes = Object.fromEntries(
        await Promise.all(
          ["postgres", "template1", "repmgr", "bystander"].map(
            async (db) => [db, await connectOutcome(owner, db)] as const,
          ),
        ),
      );
      expect(outcomes).toEqual({
        postgres: "42501",
        template1: "42501",
        repmgr: "42501",
        bystander: "42501",
      });
      const forbidden = await withClient(owner, "victim", (c) =>
        c.query("SELECT pgaas.drop_role('bystander')").then(
          () => "ran",
          (error: { code?: string }) => error.code,
        ),
      );
      expect(forbidden).toBe("42501");

      // Delete runs from `postgres`: the database and its roles are gone, the bystander untouched.
      const removed = await ctx.cp.request("DELETE", `/v1/databases/${id}`, { confirm: "victim" });
      expect(removed.status).toBe(200);
      const left = await withClient(admin, "postgres", async (c) => {
        const { rows } = await c.query<{ name: string }>(
          `SELECT datname::text AS name FROM pg_database WHERE datname IN ('victim', 'bystander')
           UNION ALL SELECT rolname::text FROM pg_roles WHERE rolname LIKE 'victim%' OR rolname = 'bystander'
           ORDER BY 1`,
        );
        return rows.map((row) => row.name);
      });
      expect(left).toEqual(["bystander", "bystander"]);
      expect(await connectOutcome(bystander.credentials, "bystander")).toBe("connected");
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 600_000);
});
