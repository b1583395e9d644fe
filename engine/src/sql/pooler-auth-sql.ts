// How PgBouncer learns a tenant's SCRAM verifier without a password file. PgBouncer logs in as
// POOLER_AUTH_USER (a login role with no rights but EXECUTE on one function, admitted only on the
// local socket through a peer map from the OS user postgres) and calls pgaas.pooler_auth, a SECURITY
// DEFINER function with a fixed search_path. Its owner POOLER_AUTH_OWNER is a NOLOGIN role that may
// read pg_authid and nothing else, so even a flaw in the function cannot act as a superuser. It
// answers for tenant roles only (members of the marker role, never a superuser, not past VALID UNTIL):
// the reserved roles cannot log in through the pooler. The function lives in the `pgaas` schema that
// tenants cannot write, installed with the tenant boundary into every database (PgBouncer 1.18 runs
// auth_query in the database the client asked for).
import { ADMIN_SEARCH_PATH, BOUNDARY_SCHEMA, sqlIdent, sqlLiteral, TENANT_MARKER_ROLE } from "@pgaas/common";
import { POOLER_AUTH_OWNER, POOLER_AUTH_USER } from "./pooler-roles.js";
import { createRoleIfMissing } from "./roles-sql.js";

const schema = sqlIdent(BOUNDARY_SCHEMA);
const fn = `${schema}.pooler_auth(text)`;

export const POOLER_AUTH_QUERY = `SELECT usename, passwd FROM ${BOUNDARY_SCHEMA}.pooler_auth($1)`;

/**
 * Cluster-wide (run once on `postgres`): the two roles, and CONNECT on the tenant databases that
 * existed before the pooler (give_database grants it to every later one).
 */
export function poolerRolesSql(): string[] {
  return [
    createRoleIfMissing(POOLER_AUTH_OWNER, "NOLOGIN"),
    createRoleIfMissing(POOLER_AUTH_USER, "LOGIN"),
    `ALTER ROLE ${sqlIdent(POOLER_AUTH_USER)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT PASSWORD NULL`,
    `DO $pgaas$ DECLARE db text; BEGIN
  FOR db IN SELECT d.datname FROM pg_catalog.pg_database d
               JOIN pg_catalog.pg_auth_members m ON m.member = d.datdba
               JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
              WHERE g.rolname = ${sqlLiteral(TENANT_MARKER_ROLE)} AND NOT d.datistemplate LOOP
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', db, ${sqlLiteral(POOLER_AUTH_USER)});
  END LOOP;
END $pgaas$`,
  ];
}

/** Per database (inside the boundary schema's transaction): the function, its owner, its one caller. */
export function poolerFunctionSql(): string[] {
  const owner = sqlIdent(POOLER_AUTH_OWNER);
  const user = sqlIdent(POOLER_AUTH_USER);
  return [
    `GRANT SELECT ON pg_catalog.pg_authid TO ${owner}`,
    `CREATE OR REPLACE FUNCTION ${schema}.pooler_auth(user_name text) RETURNS TABLE (usename name, passwd text) LANGUAGE sql STABLE SECURITY DEFINER SET search_path = ${ADMIN_SEARCH_PATH} AS $pgaas$
  SELECT a.rolname, a.rolpassword FROM pg_catalog.pg_authid a
   WHERE a.rolname = user_name AND a.rolcanlogin AND NOT a.rolsuper
     AND (a.rolvaliduntil IS NULL OR a.rolvaliduntil > pg_catalog.now())
     AND pg_catalog.pg_has_role(a.oid, ${sqlLiteral(TENANT_MARKER_ROLE)}, 'MEMBER')
$pgaas$`,
    `ALTER FUNCTION ${fn} OWNER TO ${owner}`,
    `REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${user}`,
    `GRANT EXECUTE ON FUNCTION ${fn} TO ${user}`,
  ];
}
