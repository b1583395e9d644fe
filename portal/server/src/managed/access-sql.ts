// SQL statements for access grants: a login role with read-only or read-write privileges on the
// public schema, including default privileges for tables the owner creates later.
import { sqlIdent, sqlLiteral } from "@pgaas/common";
import type { AccessLevel } from "../api/access-requests.js";

const TABLE_PRIVILEGES: Record<AccessLevel, string> = {
  read_only: "SELECT",
  read_write: "SELECT, INSERT, UPDATE, DELETE",
};
const SEQUENCE_PRIVILEGES: Record<AccessLevel, string> = {
  read_only: "SELECT",
  read_write: "USAGE, SELECT, UPDATE",
};

/** Run on the `postgres` database. */
export function createAccessRoleSql(role: string, verifier: string, validUntil: string | null): string {
  const expiry = validUntil === null ? "" : ` VALID UNTIL ${sqlLiteral(validUntil)}`;
  return `CREATE ROLE ${sqlIdent(role)} LOGIN PASSWORD ${sqlLiteral(verifier)}${expiry}`;
}

/** Run inside the target database. */
export function grantAccessPlan(input: {
  readonly database: string;
  readonly owner: string;
  readonly role: string;
  readonly level: AccessLevel;
}): string[] {
  const role = sqlIdent(input.role);
  const owner = sqlIdent(input.owner);
  const tables = TABLE_PRIVILEGES[input.level];
  const sequences = SEQUENCE_PRIVILEGES[input.level];
  return [
    `GRANT CONNECT ON DATABASE ${sqlIdent(input.database)} TO ${role}`,
    `GRANT USAGE ON SCHEMA public TO ${role}`,
    `GRANT ${tables} ON ALL TABLES IN SCHEMA public TO ${role}`,
    `GRANT ${sequences} ON ALL SEQUENCES IN SCHEMA public TO ${role}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ${tables} ON TABLES TO ${role}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public GRANT ${sequences} ON SEQUENCES TO ${role}`,
  ];
}

/** Run inside the target database; then `dropRoleSql` on `postgres`. */
export function revokeAccessPlan(input: {
  readonly database: string;
  readonly owner: string;
  readonly role: string;
}): string[] {
  const role = sqlIdent(input.role);
  const owner = sqlIdent(input.owner);
  return [
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public REVOKE ALL ON TABLES FROM ${role}`,
    `ALTER DEFAULT PRIVILEGES FOR ROLE ${owner} IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${role}`,
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`,
    `REVOKE ALL ON SCHEMA public FROM ${role}`,
    `REVOKE ALL ON DATABASE ${sqlIdent(input.database)} FROM ${role}`,
    `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE usename = ${sqlLiteral(input.role)}`,
  ];
}
