// The roles and database a pair needs, created once (a re-run finds them and changes nothing).
// Sent to psql on stdin; roles are created in DO blocks and the repmgr database with `\gexec`, each
// only when missing.
import type { Secret } from "@pgaas/common";
import { sqlIdent, sqlLiteral } from "@pgaas/common";
import { ADMIN_ROLE, PAIR_PARAMETERS, STATEMENT_STATS_SCHEMA } from "@pgaas/common/wire";
import { REPMGR_DATABASE, REPMGR_USER } from "../render/pg-hba.js";

/** Parameters the control plane may change with ALTER SYSTEM: exactly the shared PAIR_PARAMETERS. */
export const ADMIN_ALTERABLE_PARAMETERS: readonly string[] = PAIR_PARAMETERS.map(
  (parameter) => parameter.name,
);

/** A DO block rather than psql's `\gexec`, so any client (psql or a driver) can run it. */
export function createRoleIfMissing(role: string, options: string): string {
  return `DO $pgaas$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE ${sqlIdent(role)} ${options}; END IF; END $pgaas$`;
}

/** `SELECT count(*)` of the pair's roles that exist: 2 means the roles step is done. */
export const PAIR_ROLES_PRESENT_SQL = `SELECT count(*) FROM pg_roles WHERE rolname IN (${sqlLiteral(REPMGR_USER)}, ${sqlLiteral(ADMIN_ROLE)})`;

export function repmgrRoleSql(repmgrPassword: Secret): string[] {
  return [
    createRoleIfMissing(REPMGR_USER, "LOGIN"),
    `ALTER ROLE ${sqlIdent(REPMGR_USER)} WITH SUPERUSER REPLICATION LOGIN PASSWORD ${sqlLiteral(repmgrPassword.reveal())}`,
    `SELECT ${sqlLiteral(`CREATE DATABASE ${sqlIdent(REPMGR_DATABASE)} OWNER ${sqlIdent(REPMGR_USER)}`)} WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ${sqlLiteral(REPMGR_DATABASE)})\n\\gexec`,
  ];
}

/**
 * The control plane's role: it may create databases, signal backends, read monitoring views and change
 * the pair-level parameters, and nothing else. It is no superuser, has no CREATEROLE and belongs to no
 * tenant role: everything it does to tenants goes through the boundary functions (tenant-boundary-sql).
 */
export function adminRoleSql(adminPassword: Secret): string[] {
  const admin = sqlIdent(ADMIN_ROLE);
  return [
    createRoleIfMissing(ADMIN_ROLE, "LOGIN"),
    `ALTER ROLE ${admin} WITH LOGIN CREATEDB NOCREATEROLE NOSUPERUSER NOREPLICATION NOBYPASSRLS PASSWORD ${sqlLiteral(adminPassword.reveal())}`,
    `GRANT ${sqlIdent("pg_monitor")}, ${sqlIdent("pg_signal_backend")} TO ${admin}`,
    `GRANT ALTER SYSTEM ON PARAMETER ${ADMIN_ALTERABLE_PARAMETERS.map(sqlIdent).join(", ")} TO ${admin}`,
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO ${admin}`,
    ...statementStatsSql(),
  ];
}

/**
 * Query insights: pg_stat_statements in its own schema of the postgres database, read by the admin
 * role only (pg_monitor lets it see every role's statements; the control plane shows each tenant its
 * own database's). The library is preloaded on every member (a fixed setting).
 */
export function statementStatsSql(): string[] {
  const schema = sqlIdent(STATEMENT_STATS_SCHEMA);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${schema}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${sqlIdent(ADMIN_ROLE)}`,
    `CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA ${schema}`,
  ];
}

export function pairRolesSql(secrets: {
  superuserPassword: Secret;
  repmgrPassword: Secret;
  adminPassword: Secret;
}): string {
  return psqlScript([
    `ALTER ROLE ${sqlIdent("postgres")} WITH PASSWORD ${sqlLiteral(secrets.superuserPassword.reveal())}`,
    ...repmgrRoleSql(secrets.repmgrPassword),
    ...adminRoleSql(secrets.adminPassword),
  ]);
}

/** Joins statements into one psql script: `;` ends plain statements, `\gexec` lines stand alone. */
export function psqlScript(statements: readonly string[]): string {
  return statements
    .map((statement) => (statement.endsWith("\\gexec") ? `${statement}\n` : `${statement};\n`))
    .join("");
}
