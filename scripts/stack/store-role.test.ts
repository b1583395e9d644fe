// The control plane's store role on a real PostgreSQL 15: made on a fresh server, and taking over a
// store an older stack created as the superuser.
import { Secret } from "@pgaas/common";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensurePortalStoreRole } from "./store-role.js";

let server: ThrowawayPostgres;
const PASSWORD = new Secret("portal-store-password-1");

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

const portalUrl = (database: string) =>
  `postgres://pgaas_portal:${PASSWORD.reveal()}@127.0.0.1:${server.port}/${database}`;

beforeAll(async () => {
  server = await startThrowawayPostgres("pgs-store-role");
  // What an older stack left: the store database and its tables owned by the superuser.
  await query(server.url, "CREATE DATABASE pgaas");
  await query(server.urlFor("pgaas"), "CREATE TABLE users (id bigserial PRIMARY KEY, email text)");
});

afterAll(async () => {
  await server?.stop();
});

describe("the control plane's store role", () => {
  it("is no superuser and owns the store database and every table in it", async () => {
    await ensurePortalStoreRole(server.url, "pgaas", PASSWORD);
    await ensurePortalStoreRole(server.url, "pgaas", PASSWORD);
    expect(
      await query(
        server.url,
        `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls, rolcanlogin,
                (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'pgaas') AS db_owner
           FROM pg_roles WHERE rolname = 'pgaas_portal'`,
      ),
    ).toEqual([
      {
        rolsuper: false,
        rolcreatedb: false,
        rolcreaterole: false,
        rolreplication: false,
        rolbypassrls: false,
        rolcanlogin: true,
        db_owner: "pgaas_portal",
      },
    ]);
    expect(
      await query(
        server.urlFor("pgaas"),
        "SELECT relname, pg_get_userbyid(relowner) AS owner FROM pg_class WHERE relname IN ('users', 'users_id_seq') ORDER BY 1",
      ),
    ).toEqual([
      { relname: "users", owner: "pgaas_portal" },
      { relname: "users_id_seq", owner: "pgaas_portal" },
    ]);
  });

  it("signs in to the store database with its password, and nowhere else", async () => {
    await query(portalUrl("pgaas"), "INSERT INTO users (email) VALUES ('a@example.com')");
    expect(
      await query(portalUrl("pgaas"), "SELECT current_user AS who, count(*)::int AS n FROM users GROUP BY 1"),
    ).toEqual([{ who: "pgaas_portal", n: 1 }]);
    for (const other of ["postgres", "template1"]) {
      await expect(query(portalUrl(other), "SELECT 1")).rejects.toThrow(
        `permission denied for database "${other}"`,
      );
    }
    await expect(query(portalUrl("pgaas"), "CREATE ROLE intruder")).rejects.toThrow(
      "permission denied to create role",
    );
  });

  it("accepts no other password", async () => {
    await expect(
      query(`postgres://pgaas_portal:wrong@127.0.0.1:${server.port}/pgaas`, "SELECT 1"),
    ).rejects.toThrow('password authentication failed for user "pgaas_portal"');
  });
});
