// SQL statements for databases and their owner roles. Every identifier and literal is quoted by
// @pgaas/common; tests assert each statement exactly.
import { sqlIdent, sqlLiteral } from "@pgaas/common";

/** `verifier` is a SCRAM-SHA-256 verifier, never a plaintext password. */
function createOwnerRoleSql(role: string, verifier: string): string {
  return `CREATE ROLE ${sqlIdent(role)} LOGIN PASSWORD ${sqlLiteral(verifier)}`;
}

/** PostgreSQL 15 lets a CREATEROLE role create a database owned by another role only as its member. */
function grantRoleToAdminSql(role: string): string {
  return `GRANT ${sqlIdent(role)} TO CURRENT_USER`;
}

function createDatabaseSql(name: string, owner: string, connectionLimit: number): string {
  return `CREATE DATABASE ${sqlIdent(name)} OWNER ${sqlIdent(owner)} CONNECTION LIMIT ${Math.trunc(connectionLimit)}`;
}

function revokePublicConnectSql(name: string): string {
  return `REVOKE CONNECT, TEMPORARY ON DATABASE ${sqlIdent(name)} FROM PUBLIC`;
}

export function setDatabaseParameterSql(name: string, parameter: string, text: string): string {
  return `ALTER DATABASE ${sqlIdent(name)} SET ${sqlIdent(parameter)} TO ${sqlLiteral(text)}`;
}

export function resetDatabaseParameterSql(name: string, parameter: string): string {
  return `ALTER DATABASE ${sqlIdent(name)} RESET ${sqlIdent(parameter)}`;
}

export function connectionLimitSql(name: string, connectionLimit: number): string {
  return `ALTER DATABASE ${sqlIdent(name)} CONNECTION LIMIT ${Math.trunc(connectionLimit)}`;
}

export function terminateSessionsSql(name: string): string {
  return `SELECT count(pg_terminate_backend(pid))::int AS terminated FROM pg_stat_activity WHERE datname = ${sqlLiteral(name)} AND pid <> pg_backend_pid()`;
}

export function dropDatabaseSql(name: string): string {
  return `DROP DATABASE IF EXISTS ${sqlIdent(name)} WITH (FORCE)`;
}

export function dropRoleSql(role: string): string {
  return `DROP ROLE IF EXISTS ${sqlIdent(role)}`;
}

/** Statements that create a database with its owner, closed to PUBLIC, with its settings. */
export function createDatabasePlan(input: {
  readonly name: string;
  readonly owner: string;
  readonly verifier: string;
  readonly connectionLimit: number;
  readonly settings: readonly (readonly [string, string])[];
}): string[] {
  return [
    createOwnerRoleSql(input.owner, input.verifier),
    grantRoleToAdminSql(input.owner),
    createDatabaseSql(input.name, input.owner, input.connectionLimit),
    revokePublicConnectSql(input.name),
    ...input.settings.map(([parameter, text]) => setDatabaseParameterSql(input.name, parameter, text)),
  ];
}
