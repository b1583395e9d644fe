// Exact statements from the SQL builders, including hostile names.
import { describe, expect, it } from "vitest";
import { createAccessRoleSql, grantAccessPlan, revokeAccessPlan } from "../src/managed/access-sql.js";
import {
  connectionLimitSql,
  createDatabasePlan,
  dropDatabaseSql,
  dropRoleSql,
  resetDatabaseParameterSql,
  terminateSessionsSql,
} from "../src/managed/database-sql.js";
import { alterSystemSql } from "../src/managed/settings-sql.js";

describe("database SQL", () => {
  it("creates role, membership, database, closes PUBLIC and sets parameters", () => {
    expect(
      createDatabasePlan({
        name: "shop",
        owner: "shop_owner",
        verifier: "SCRAM-SHA-256$4096:abc$def:ghi",
        connectionLimit: 20,
        settings: [["statement_timeout", "5000"]],
      }),
    ).toEqual([
      `CREATE ROLE "shop_owner" LOGIN PASSWORD 'SCRAM-SHA-256$4096:abc$def:ghi'`,
      `GRANT "shop_owner" TO CURRENT_USER`,
      `CREATE DATABASE "shop" OWNER "shop_owner" CONNECTION LIMIT 20`,
      `REVOKE CONNECT, TEMPORARY ON DATABASE "shop" FROM PUBLIC`,
      `ALTER DATABASE "shop" SET "statement_timeout" TO '5000'`,
    ]);
  });

  it("quotes hostile identifiers and literals", () => {
    expect(dropDatabaseSql('a"; DROP ROLE x; --')).toBe(
      `DROP DATABASE IF EXISTS "a""; DROP ROLE x; --" WITH (FORCE)`,
    );
    expect(terminateSessionsSql("o'brien")).toBe(
      `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE datname = 'o''brien' AND pid <> pg_backend_pid()`,
    );
    expect(dropRoleSql("ünï")).toBe(`DROP ROLE IF EXISTS "ünï"`);
    expect(resetDatabaseParameterSql("shop", "work_mem")).toBe(`ALTER DATABASE "shop" RESET "work_mem"`);
    expect(connectionLimitSql("shop", 7.9)).toBe(`ALTER DATABASE "shop" CONNECTION LIMIT 7`);
    expect(alterSystemSql("work_mem", "4096'; SELECT 1; --")).toBe(
      `ALTER SYSTEM SET "work_mem" TO '4096''; SELECT 1; --'`,
    );
  });
});

describe("access SQL", () => {
  it("creates a login role with an expiry", () => {
    expect(createAccessRoleSql("shop_ro_abc123", "V", "2026-12-01T00:00:00.000Z")).toBe(
      `CREATE ROLE "shop_ro_abc123" LOGIN PASSWORD 'V' VALID UNTIL '2026-12-01T00:00:00.000Z'`,
    );
    expect(createAccessRoleSql("r", "V", null)).toBe(`CREATE ROLE "r" LOGIN PASSWORD 'V'`);
  });

  it("grants read-only and read-write with default privileges", () => {
    expect(grantAccessPlan({ database: "shop", owner: "shop", role: "r", level: "read_only" })).toEqual([
      `GRANT CONNECT ON DATABASE "shop" TO "r"`,
      `GRANT USAGE ON SCHEMA public TO "r"`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "r"`,
      `GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO "r"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "shop" IN SCHEMA public GRANT SELECT ON TABLES TO "r"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "shop" IN SCHEMA public GRANT SELECT ON SEQUENCES TO "r"`,
    ]);
    expect(grantAccessPlan({ database: "shop", owner: "shop", role: "w", level: "read_write" })[2]).toBe(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "w"`,
    );
  });

  it("revokes everything it granted and ends the role's sessions", () => {
    expect(revokeAccessPlan({ database: "shop", owner: "shop", role: "r" })).toEqual([
      `ALTER DEFAULT PRIVILEGES FOR ROLE "shop" IN SCHEMA public REVOKE ALL ON TABLES FROM "r"`,
      `ALTER DEFAULT PRIVILEGES FOR ROLE "shop" IN SCHEMA public REVOKE ALL ON SEQUENCES FROM "r"`,
      `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "r"`,
      `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM "r"`,
      `REVOKE ALL ON SCHEMA public FROM "r"`,
      `REVOKE ALL ON DATABASE "shop" FROM "r"`,
      `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE usename = 'r'`,
    ]);
  });
});
