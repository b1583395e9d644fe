// Exact statements from the SQL builders, including hostile names.
import { describe, expect, it } from "vitest";
import { endAccessPlan, grantAccessSql, revokeAccessSql } from "../src/managed/access-sql.js";
import {
  connectionLimitSql,
  createDatabasePlan,
  createOwnerLoginSql,
  createTenantRoleSql,
  dropDatabasePlan,
  dropRoleSql,
  resetDatabaseParameterSql,
  setTenantPasswordSql,
  terminateSessionsSql,
} from "../src/managed/database-sql.js";
import { alterSystemSql } from "../src/managed/settings-sql.js";

describe("database SQL", () => {
  it("creates the tenant role, the database from template1, closes PUBLIC, hands it over, sets parameters", () => {
    expect(
      createDatabasePlan({
        name: "shop",
        owner: "shop_owner",
        verifier: "SCRAM-SHA-256$4096:abc$def:ghi",
        connectionLimit: 20,
        settings: [["statement_timeout", "5000"]],
      }),
    ).toEqual([
      `SELECT "pgaas"."create_role"('shop_owner', 'SCRAM-SHA-256$4096:abc$def:ghi', NULL)`,
      `CREATE DATABASE "shop" TEMPLATE template1 CONNECTION LIMIT 20`,
      `REVOKE CONNECT, TEMPORARY ON DATABASE "shop" FROM PUBLIC`,
      `SELECT "pgaas"."give_database"('shop', 'shop_owner')`,
      `SELECT "pgaas"."set_database_setting"('shop', 'statement_timeout', '5000')`,
    ]);
  });

  it("quotes hostile identifiers and literals", () => {
    expect(dropDatabasePlan('a"; DROP ROLE x; --')).toEqual([
      `SELECT "pgaas"."reclaim_database"('a"; DROP ROLE x; --')`,
      `DROP DATABASE IF EXISTS "a""; DROP ROLE x; --" WITH (FORCE)`,
    ]);
    expect(terminateSessionsSql("o'brien")).toBe(
      `SELECT count(pg_catalog.pg_terminate_backend(pid))::int AS terminated FROM pg_catalog.pg_stat_activity WHERE datname = 'o''brien' AND pid <> pg_catalog.pg_backend_pid()`,
    );
    expect(dropRoleSql("ünï'")).toBe(`SELECT "pgaas"."drop_role"('ünï''')`);
    expect(resetDatabaseParameterSql("shop", "work_mem")).toBe(
      `SELECT "pgaas"."set_database_setting"('shop', 'work_mem', NULL)`,
    );
    expect(connectionLimitSql("shop", 7.9)).toBe(`SELECT "pgaas"."set_connection_limit"('shop', 7)`);
    expect(alterSystemSql("work_mem", "4096'; SELECT 1; --")).toBe(
      `ALTER SYSTEM SET "work_mem" TO '4096''; SELECT 1; --'`,
    );
  });
});

describe("access SQL", () => {
  it("creates a tenant login role with or without an expiry", () => {
    expect(createTenantRoleSql("shop_ro_abc123", "V", "2026-12-01T00:00:00.000Z")).toBe(
      `SELECT "pgaas"."create_role"('shop_ro_abc123', 'V', '2026-12-01T00:00:00.000Z')`,
    );
    expect(createTenantRoleSql("r", "V")).toBe(`SELECT "pgaas"."create_role"('r', 'V', NULL)`);
  });

  it("sets a new verifier on a tenant role through the boundary function", () => {
    expect(setTenantPasswordSql("o'r", "SCRAM-SHA-256$4096:a$b:c")).toBe(
      `SELECT "pgaas"."set_role_password"('o''r', 'SCRAM-SHA-256$4096:a$b:c')`,
    );
  });

  it("creates an owner's second login through the boundary function", () => {
    expect(createOwnerLoginSql("o'r_b", "o'r", "SCRAM-SHA-256$4096:a$b:c")).toBe(
      `SELECT "pgaas"."create_owner_login"('o''r_b', 'o''r', 'SCRAM-SHA-256$4096:a$b:c')`,
    );
  });

  it("grants and revokes through the boundary functions, then ends the role's sessions and drops it", () => {
    expect(grantAccessSql("r", "read_only")).toBe(`SELECT "pgaas"."grant_access"('r', 'read_only')`);
    expect(grantAccessSql("w", "read_write")).toBe(`SELECT "pgaas"."grant_access"('w', 'read_write')`);
    expect(revokeAccessSql("r")).toBe(`SELECT "pgaas"."revoke_access"('r')`);
    expect(endAccessPlan("r")).toEqual([
      `SELECT count(pg_catalog.pg_terminate_backend(pid))::int AS terminated FROM pg_catalog.pg_stat_activity WHERE usename = 'r'`,
      `SELECT "pgaas"."drop_role"('r')`,
    ]);
  });
});
