// System test: restore of one database through the control plane on a real pair (n1, n2, witness w as
// the pgBackRest repository host) with agents, over HTTPS — the path a portal user takes. The primary's
// agent runs the engine's restore on its own host (scratch instance there, unix socket only). In order:
// rows, a backup through the API, T, more rows, the table dropped → restore as of T has exactly the
// rows up to T, owned by the new owner whose credentials were shown once; a deleted database restored
// to its deletion point has its rows; a restore the primary refuses ends restore_failed with nothing of
// it left; bad targets get a 4xx naming the range and leave nothing behind.
import type { PairBackups } from "@pgaas/api";
import {
  dumpLogs,
  endpointQuery,
  LAB_HOSTS,
  labPairHosts,
  printProgress,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "prt", first: "10.231.215.0/24", count: 3 }, hosts: LAB_HOSTS });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Credentials {
  readonly username: string;
  readonly password: string;
}
interface CreatedDatabase {
  readonly database: { id: string; name: string; state: string; error: string | null };
  readonly credentials: Credentials;
}

const sql = (user: Credentials, database: string, text: string) =>
  endpointQuery(ctx.spec, ctx.secrets, user, database, text);

const ctx = withAgentPair(fixture, {
  name: "rt",
  backup: { repository: { kind: "local" } },
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 3 },
});

describe("restore through the control plane", () => {
  it("restores a database as of T and a deleted one, and refuses bad targets leaving nothing", async () => {
    const hosts = labPairHosts(fixture.lab);
    try {
      const { pairId } = await deployAgentPair(ctx.cp, ctx.spec, hosts, ctx.secrets, printProgress);
      const admin: Credentials = { username: "pgaas_admin", password: ctx.secrets.adminPassword.reveal() };
      const backups = async () =>
        (await ctx.cp.request("GET", `/v1/pairs/${pairId}/backups`)).body as PairBackups;
      await waitFor(
        "the primary's backup inventory",
        async () => ((await backups()).inventory?.backups.length === 1 ? true : undefined),
        90_000,
      );
      const create = async (name: string) => {
        const reply = await ctx.cp.request("POST", "/v1/databases", { pairId, name });
        expect(reply.status).toBe(201);
        return reply.body as CreatedDatabase;
      };
      const restored = async (reply: { status: number; body: unknown }) => {
        expect(reply.status).toBe(202);
        const body = reply.body as CreatedDatabase;
        expect(body.database.state).toBe("restoring");
        const done = await waitFor(
          `the restore of ${body.database.name}`,
          async () => {
            const got = (await ctx.cp.request("GET", `/v1/databases/${body.database.id}`))
              .body as CreatedDatabase;
            return got.database.state === "restoring" ? undefined : got.database;
          },
          300_000,
          1000,
        );
        expect([done.state, done.error]).toEqual(["active", null]);
        return body.credentials;
      };
      const backupDone = async (requestId: string) =>
        waitFor(
          `backup request ${requestId}`,
          async () => {
            const state = (await backups()).requests.find((r) => r.id === requestId)?.state;
            return state === "succeeded" || state === "failed" ? state : undefined;
          },
          180_000,
          1000,
        );

      // 1. rows, then a backup through the API; 2. more rows, note T; 3. more rows, then drop the table.
      const app = await create("app");
      await sql(app.credentials, "app", "CREATE TABLE items (id int PRIMARY KEY)");
      await sql(app.credentials, "app", "INSERT INTO items SELECT g FROM generate_series(1, 100) g");
      const requested = await ctx.cp.request("POST", `/v1/pairs/${pairId}/backups`, { type: "diff" });
      expect(await backupDone((requested.body as { request: { id: string } }).request.id)).toBe("succeeded");
      await sql(app.credentials, "app", "INSERT INTO items SELECT g FROM generate_series(101, 200) g");
      await sleep(1100);
      const t = new Date().toISOString();
      await sleep(1100);
      await sql(app.credentials, "app", "INSERT INTO items SELECT g FROM generate_series(201, 300) g");
      await sql(app.credentials, "app", "DROP TABLE items");

      // 4. restore as of T through the API: exactly the rows up to T, owned by the new owner.
      const started = performance.now();
      const atT = await restored(
        await ctx.cp.request("POST", `/v1/databases/${app.database.id}/restore`, {
          newName: "app_at_t",
          time: t,
        }),
      );
      process.stdout.write(
        `restore as of T through the agent: ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
      );
      expect(atT.username).toBe("app_at_t");
      expect(await sql(atT, "app_at_t", "SELECT count(*)::int AS n, min(id), max(id) FROM items")).toEqual([
        { n: 200, min: 1, max: 200 },
      ]);
      expect(
        await sql(
          admin,
          "postgres",
          "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'app_at_t'",
        ),
      ).toEqual([{ owner: "app_at_t" }]);
      expect(
        await sql(
          atT,
          "app_at_t",
          "SELECT pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname = 'items'",
        ),
      ).toEqual([{ owner: "app_at_t" }]);

      // 5. a deleted database: restored to just before its deletion, with its rows.
      const gone = await create("gone");
      await sql(gone.credentials, "gone", "CREATE TABLE notes (id int PRIMARY KEY)");
      await sql(gone.credentials, "gone", "INSERT INTO notes SELECT g FROM generate_series(1, 50) g");
      const deleted = await ctx.cp.request("DELETE", `/v1/databases/${gone.database.id}`, {
        confirm: "gone",
      });
      expect(deleted.status).toBe(200);
      const deletion = deleted.body as { database: { deletedAt: string }; backupRequestId: string | null };
      expect(deletion.backupRequestId).not.toBeNull();
      expect(await backupDone(deletion.backupRequestId as string)).toBe("succeeded");
      const back = await restored(
        await ctx.cp.request("POST", `/v1/databases/${gone.database.id}/restore`, { newName: "gone_back" }),
      );
      expect(await sql(back, "gone_back", "SELECT count(*)::int AS n, max(id) FROM notes")).toEqual([
        { n: 50, max: 50 },
      ]);

      // 6. a restore the primary refuses (a database of that name exists there, made outside the portal):
      // restore_failed with the engine's reason, its owner role dropped, the other database untouched.
      await sql(admin, "postgres", "CREATE DATABASE stray");
      const strayReply = await ctx.cp.request("POST", `/v1/databases/${app.database.id}/restore`, {
        newName: "stray",
        owner: "stray_owner",
      });
      expect(strayReply.status).toBe(202);
      const stray = await waitFor(
        "the refused restore",
        async () => {
          const id = (strayReply.body as CreatedDatabase).database.id;
          const got = (await ctx.cp.request("GET", `/v1/databases/${id}`)).body as CreatedDatabase;
          return got.database.state === "restoring" ? undefined : got.database;
        },
        120_000,
        1000,
      );
      expect([stray.state, stray.error?.startsWith("database_exists: ")]).toEqual(["restore_failed", true]);
      expect(
        await sql(
          admin,
          "postgres",
          `SELECT (SELECT count(*) FROM pg_database WHERE datname = 'stray')::int AS databases,
                  (SELECT count(*) FROM pg_roles WHERE rolname = 'stray_owner')::int AS roles`,
        ),
      ).toEqual([{ databases: 1, roles: 0 }]);

      // 7. bad targets: a 4xx naming the restorable range; no database, role or record left behind.
      const inventory = (await backups()).inventory;
      const from = inventory?.restorableFrom as string;
      const bad = [
        [
          { time: new Date(Date.parse(from) - 3_600_000).toISOString() },
          400,
          "restore_time_before_oldest_backup",
        ],
        [{ time: new Date(Date.now() + 3_600_000).toISOString() }, 400, "restore_time_in_future"],
        [{ backup: "20010101-000000F" }, 404, "unknown_backup"],
      ] as const;
      for (const [target, status, code] of bad) {
        const reply = await ctx.cp.request("POST", `/v1/databases/${app.database.id}/restore`, {
          newName: "app_bad",
          ...target,
        });
        const error = (
          reply.body as { error: { code: string; message: string; details: { restorableFrom: string } } }
        ).error;
        expect([reply.status, error.code, error.details.restorableFrom]).toEqual([status, code, from]);
        expect(error.message).toContain(`restorable from ${from}`);
      }
      expect(
        await sql(
          admin,
          "postgres",
          `SELECT (SELECT count(*) FROM pg_database WHERE datname = 'app_bad')::int AS databases,
                  (SELECT count(*) FROM pg_roles WHERE rolname = 'app_bad')::int AS roles`,
        ),
      ).toEqual([{ databases: 0, roles: 0 }]);
      const records = (await ctx.cp.request("GET", "/v1/databases?includeDeleted=true")).body as {
        databases: Array<{ name: string; state: string }>;
      };
      expect(records.databases.map((d) => [d.name, d.state])).toEqual([
        ["app", "active"],
        ["app_at_t", "active"],
        ["gone", "deleted"],
        ["gone_back", "active"],
        ["stray", "restore_failed"],
      ]);
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 900_000);
});
