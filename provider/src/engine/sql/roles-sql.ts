// The roles and database a pair needs, created once (a re-run finds them and changes nothing).
// Sent to psql on stdin; `\gexec` runs the CREATE only when the role or database is missing.
import type { Secret } from "@pgaas/common";
import { sqlIdent, sqlLiteral } from "@pgaas/common";
import { PAIR_PARAMETERS } from "@pgaas/common/wire";
import { ADMIN_ROLE, REPMGR_DATABASE, REPMGR_USER } from "../render/pg-hba.js";

/** Parameters the control plane may change with ALTER SYSTEM: exactly the shared PAIR_PARAMETERS. */
export const ADMIN_ALTERABLE_PARAMETERS: readonly string[] = PAIR_PARAMETERS.map(
  (parameter) => parameter.name,
);

function createRoleIfMissing(role: string, options: string): string {
  return `SELECT ${sqlLiteral(`CREATE ROLE ${sqlIdent(role)} ${options}`)} WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role)})\n\\gexec`;
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

export function pairRolesSql(secrets: {
  superuserPassword: Secret;
  repmgrPassword: Secret;
  adminPassword: Secret;
}): string {
  const admin = sqlIdent(ADMIN_ROLE);
  const statements = [
    `ALTER ROLE ${sqlIdent("postgres")} WITH PASSWORD ${sqlLiteral(secrets.superuserPassword.reveal())}`,
    ...repmgrRoleSql(secrets.repmgrPassword),
    createRoleIfMissing(ADMIN_ROLE, "LOGIN"),
    `ALTER ROLE ${admin} WITH LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD ${sqlLiteral(secrets.adminPassword.reveal())}`,
    `GRANT ${sqlIdent("pg_monitor")}, ${sqlIdent("pg_signal_backend")} TO ${admin}`,
    `GRANT ALTER SYSTEM ON PARAMETER ${ADMIN_ALTERABLE_PARAMETERS.map(sqlIdent).join(", ")} TO ${admin}`,
    `GRANT EXECUTE ON FUNCTION pg_catalog.pg_reload_conf() TO ${admin}`,
  ];
  return psqlScript(statements);
}

/** Joins statements into one psql script: `;` ends plain statements, `\gexec` lines stand alone. */
export function psqlScript(statements: readonly string[]): string {
  return statements
    .map((statement) => (statement.endsWith("\\gexec") ? `${statement}\n` : `${statement};\n`))
    .join("");
}
