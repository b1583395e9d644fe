// SQL for databases and their owner roles. The admin role creates and drops databases itself (neither
// can run inside a function); roles, ownership, settings and limits go through the boundary functions.
// Every identifier and literal is quoted by @pgaas/common; tests assert each statement exactly.
import { sqlIdent, sqlLiteral } from "@pgaas/common";
import { boundaryCall } from "./boundary-call.js";

/** `verifier` is a SCRAM-SHA-256 verifier, never a plaintext password. */
export function createTenantRoleSql(
  role: string,
  verifier: string,
  validUntil: string | null = null,
): string {
  return boundaryCall("create_role", role, verifier, validUntil);
}

/** A new SCRAM verifier on an existing tenant role; its open sessions stay, new logins need the new one. */
export function setTenantPasswordSql(role: string, verifier: string): string {
  return boundaryCall("set_role_password", role, verifier);
}

/** Ends the role's logins at `validUntil` (an ISO instant); its open sessions stay. */
export function setTenantValidUntilSql(role: string, validUntil: string): string {
  return boundaryCall("set_role_valid_until", role, validUntil);
}

/**
 * A second login for the owner role (a rotation's new credential): a new tenant role that becomes the
 * owner at login, so what it creates belongs to the owner.
 */
export function createOwnerLoginSql(login: string, owner: string, verifier: string): string {
  return boundaryCall("create_owner_login", login, owner, verifier);
}

/** Created owned by the admin role from template1 (which carries the boundary functions), then handed over. */
function createDatabaseSql(name: string, connectionLimit: number): string {
  return `CREATE DATABASE ${sqlIdent(name)} TEMPLATE template1 CONNECTION LIMIT ${Math.trunc(connectionLimit)}`;
}

function revokePublicConnectSql(name: string): string {
  return `REVOKE CONNECT, TEMPORARY ON DATABASE ${sqlIdent(name)} FROM PUBLIC`;
}

function giveDatabaseSql(name: string, owner: string): string {
  return boundaryCall("give_database", name, owner);
}

export function setDatabaseParameterSql(name: string, parameter: string, text: string): string {
  return boundaryCall("set_database_setting", name, parameter, text);
}

export function resetDatabaseParameterSql(name: string, parameter: string): string {
  return boundaryCall("set_database_setting", name, parameter, null);
}

export function connectionLimitSql(name: string, connectionLimit: number): string {
  return boundaryCall("set_connection_limit", name, connectionLimit);
}

export function terminateSessionsSql(name: string): string {
  return `SELECT count(pg_catalog.pg_terminate_backend(pid))::int AS terminated FROM pg_catalog.pg_stat_activity WHERE datname = ${sqlLiteral(name)} AND pid <> pg_catalog.pg_backend_pid()`;
}

/** The primary's clock and WAL position now: a deleted database's deletion point. */
export const DELETION_POINT_SQL =
  "SELECT clock_timestamp() AS at, pg_catalog.pg_current_wal_lsn()::text AS lsn";

/** Takes the database back from its tenant owner (if it still exists), then drops it. */
export function dropDatabasePlan(name: string): string[] {
  return [boundaryCall("reclaim_database", name), `DROP DATABASE IF EXISTS ${sqlIdent(name)} WITH (FORCE)`];
}

export function dropRoleSql(role: string): string {
  return boundaryCall("drop_role", role);
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
    createTenantRoleSql(input.owner, input.verifier),
    createDatabaseSql(input.name, input.connectionLimit),
    revokePublicConnectSql(input.name),
    giveDatabaseSql(input.name, input.owner),
    ...input.settings.map(([parameter, text]) => setDatabaseParameterSql(input.name, parameter, text)),
  ];
}
