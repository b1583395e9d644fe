// The tenant boundary: the admin role the control plane uses holds CREATEDB but no CREATEROLE and no
// membership in any tenant role. Everything it may do to tenant roles and databases goes through the
// SECURITY DEFINER functions below, owned by the superuser, with a fixed search_path, arguments checked,
// acting only on members of the marker role, and executable by the admin role alone.
//
// The schema is installed in every connectable database: `template1` (so each new database inherits
// it, owned by the superuser), `postgres`, and each existing tenant database. Installing refuses a
// `pgaas` schema that someone else owns, because its owner could swap the functions underneath us.
import { ADMIN_SEARCH_PATH, BOUNDARY_SCHEMA, sqlIdent, sqlLiteral, TENANT_MARKER_ROLE } from "@pgaas/common";
import { ADMIN_ROLE, CERT_AUTH_ROLE, CERT_PASSWORD_ROLE, DATABASE_PARAMETERS } from "@pgaas/common/wire";
import { REPMGR_DATABASE, REPMGR_USER } from "../render/pg-hba.js";
import { poolerFunctionSql, poolerRolesSql } from "./pooler-auth-sql.js";
import { POOLER_AUTH_USER } from "./pooler-roles.js";
import { createRoleIfMissing, psqlScript } from "./roles-sql.js";

/** Bumped whenever the function bodies change, so a re-run of the bootstrap reinstalls them. */
export const BOUNDARY_VERSION = 3;
const VERSION_BODY = `SELECT ${BOUNDARY_VERSION}`;

/** Roles and prefixes a tenant role may never be (checked again inside the functions). */
const PROTECTED_ROLES = [
  "postgres",
  REPMGR_USER,
  ADMIN_ROLE,
  TENANT_MARKER_ROLE,
  CERT_AUTH_ROLE,
  CERT_PASSWORD_ROLE,
  "public",
];
/** Databases the admin role keeps, closed to PUBLIC. */
export const SYSTEM_DATABASES = ["postgres", "template1", REPMGR_DATABASE] as const;

const schema = sqlIdent(BOUNDARY_SCHEMA);
const admin = sqlIdent(ADMIN_ROLE);
const marker = sqlLiteral(TENANT_MARKER_ROLE);
const arrayLiteral = (values: readonly string[]) => `ARRAY[${values.map(sqlLiteral).join(", ")}]::text[]`;

interface BoundaryFunction {
  readonly signature: string;
  readonly returns: string;
  readonly body: string;
}

/** Raises unless `role_name` is a login role that belongs to the marker role. */
const ASSERT_TENANT: BoundaryFunction = {
  signature: "assert_tenant(role_name text)",
  returns: "void",
  body: `
  IF NOT EXISTS (
    SELECT FROM pg_catalog.pg_auth_members m
      JOIN pg_catalog.pg_roles r ON r.oid = m.member
      JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
     WHERE r.rolname = role_name AND g.rolname = ${marker} AND NOT r.rolsuper)
  THEN
    RAISE EXCEPTION 'role % is not a pgaas tenant role', role_name USING ERRCODE = '42501';
  END IF;`,
};

/** Raises unless `db_name` exists and a tenant role owns it; returns that owner. */
const TENANT_DATABASE_OWNER: BoundaryFunction = {
  signature: "tenant_database_owner(db_name text)",
  returns: "text",
  body: `
  DECLARE owner_name text;
  BEGIN
    SELECT pg_catalog.pg_get_userbyid(d.datdba) INTO owner_name
      FROM pg_catalog.pg_database d WHERE d.datname = db_name AND NOT d.datistemplate;
    IF owner_name IS NULL THEN
      RAISE EXCEPTION 'database % does not exist', db_name USING ERRCODE = '3D000';
    END IF;
    PERFORM ${schema}.assert_tenant(owner_name);
    RETURN owner_name;
  END`,
};

const CREATE_ROLE: BoundaryFunction = {
  signature: "create_role(role_name text, verifier text, valid_until timestamptz DEFAULT NULL)",
  returns: "void",
  body: `
  IF role_name !~ '^[a-z][a-z0-9_]{0,62}$' OR role_name LIKE 'pg\\_%' OR role_name LIKE 'pgaas%'
     OR role_name = ANY (${arrayLiteral(PROTECTED_ROLES)}) THEN
    RAISE EXCEPTION 'role name % is not allowed for a tenant', role_name USING ERRCODE = '42939';
  END IF;
  IF verifier !~ '^SCRAM-SHA-256\\$' THEN
    RAISE EXCEPTION 'a tenant password must be a SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
  END IF;
  EXECUTE pg_catalog.format(
    'CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT IN ROLE %I PASSWORD %L VALID UNTIL %L',
    role_name, ${marker}, verifier, coalesce(valid_until::text, 'infinity'));`,
};

const SET_ROLE_PASSWORD: BoundaryFunction = {
  signature: "set_role_password(role_name text, verifier text)",
  returns: "void",
  body: `
  PERFORM ${schema}.assert_tenant(role_name);
  IF verifier !~ '^SCRAM-SHA-256\\$' THEN
    RAISE EXCEPTION 'a tenant password must be a SCRAM-SHA-256 verifier' USING ERRCODE = '22023';
  END IF;
  EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD %L', role_name, verifier);`,
};

/**
 * Ends a tenant role's logins at `valid_until` (PostgreSQL refuses its password from then on): the old
 * credential of a rotation keeps working through its overlap window, then stops by itself.
 */
const SET_ROLE_VALID_UNTIL: BoundaryFunction = {
  signature: "set_role_valid_until(role_name text, valid_until timestamptz)",
  returns: "void",
  body: `
  PERFORM ${schema}.assert_tenant(role_name);
  EXECUTE pg_catalog.format('ALTER ROLE %I VALID UNTIL %L', role_name, coalesce(valid_until::text, 'infinity'));`,
};

/**
 * How a tenant role logs in from the client networks: pg_hba.conf sends members of the certificate
 * group roles to certificate authentication (`certificate`) or to password plus certificate
 * (`certificate+password`); everyone else uses the password.
 */
const SET_ROLE_AUTH: BoundaryFunction = {
  signature: "set_role_auth(role_name text, method text)",
  returns: "void",
  body: `
  PERFORM ${schema}.assert_tenant(role_name);
  IF method IS NULL OR method NOT IN ('password', 'certificate', 'certificate+password') THEN
    RAISE EXCEPTION 'unknown authentication method %', method USING ERRCODE = '22023';
  END IF;
  EXECUTE pg_catalog.format('REVOKE %I, %I FROM %I', ${sqlLiteral(CERT_AUTH_ROLE)}, ${sqlLiteral(CERT_PASSWORD_ROLE)}, role_name);
  IF method = 'certificate' THEN
    EXECUTE pg_catalog.format('GRANT %I TO %I', ${sqlLiteral(CERT_AUTH_ROLE)}, role_name);
  ELSIF method = 'certificate+password' THEN
    EXECUTE pg_catalog.format('GRANT %I TO %I', ${sqlLiteral(CERT_PASSWORD_ROLE)}, role_name);
  END IF;`,
};

/**
 * A second login for a database owner (a rotation's new credential while the old one still works): a
 * new tenant role that is a member of the owner and becomes it at login (`SET role`), so what it
 * creates belongs to the owner. Only a new role: an existing one is never handed an owner's rights.
 */
const CREATE_OWNER_LOGIN: BoundaryFunction = {
  signature: "create_owner_login(login_name text, owner_name text, verifier text)",
  returns: "void",
  body: `
  PERFORM ${schema}.assert_tenant(owner_name);
  PERFORM ${schema}.create_role(login_name, verifier, NULL);
  EXECUTE pg_catalog.format('GRANT %I TO %I', owner_name, login_name);
  -- What ALTER ROLE … SET role would store, written directly: PostgreSQL refuses that ALTER inside a
  -- SECURITY DEFINER function. The role is new (no row yet), its name checked by create_role, and
  -- DROP ROLE removes the row again.
  INSERT INTO pg_catalog.pg_db_role_setting (setdatabase, setrole, setconfig)
    SELECT 0, r.oid, ARRAY['role=' || owner_name] FROM pg_catalog.pg_roles r WHERE r.rolname = login_name;`,
};

/** Returns false when the role is already gone (dropping is retried after a lost connection). */
const DROP_ROLE: BoundaryFunction = {
  signature: "drop_role(role_name text)",
  returns: "boolean",
  body: `
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
    RETURN false;
  END IF;
  PERFORM ${schema}.assert_tenant(role_name);
  EXECUTE pg_catalog.format('DROP ROLE %I', role_name);
  RETURN true;`,
};

/** Hands a database the admin role just created to its tenant owner; the admin keeps CONNECT only. */
const GIVE_DATABASE: BoundaryFunction = {
  signature: "give_database(db_name text, owner_name text)",
  returns: "void",
  body: `
  PERFORM ${schema}.assert_tenant(owner_name);
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_database
                  WHERE datname = db_name AND pg_catalog.pg_get_userbyid(datdba) = ${sqlLiteral(ADMIN_ROLE)}) THEN
    RAISE EXCEPTION 'database % is not waiting to be handed over', db_name USING ERRCODE = '42501';
  END IF;
  EXECUTE pg_catalog.format('ALTER DATABASE %I OWNER TO %I', db_name, owner_name);
  EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', db_name, ${sqlLiteral(ADMIN_ROLE)});
  -- PgBouncer's auth_query runs in the database the client asked for (it answers for tenants only).
  EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', db_name, ${sqlLiteral(POOLER_AUTH_USER)});`,
};

/**
 * Takes a tenant database back so the admin role can drop it (DROP DATABASE cannot run in a function).
 * False when it is already gone; a database the admin role already holds stays as it is (a retry).
 */
const RECLAIM_DATABASE: BoundaryFunction = {
  signature: "reclaim_database(db_name text)",
  returns: "boolean",
  body: `
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_database WHERE datname = db_name) THEN
    RETURN false;
  END IF;
  IF EXISTS (SELECT FROM pg_catalog.pg_database
              WHERE datname = db_name AND pg_catalog.pg_get_userbyid(datdba) = ${sqlLiteral(ADMIN_ROLE)}) THEN
    RETURN true;
  END IF;
  PERFORM ${schema}.tenant_database_owner(db_name);
  EXECUTE pg_catalog.format('ALTER DATABASE %I OWNER TO %I', db_name, ${sqlLiteral(ADMIN_ROLE)});
  RETURN true;`,
};

const SET_DATABASE_SETTING: BoundaryFunction = {
  signature: "set_database_setting(db_name text, parameter text, value text)",
  returns: "void",
  body: `
  PERFORM ${schema}.tenant_database_owner(db_name);
  IF NOT parameter = ANY (${arrayLiteral(DATABASE_PARAMETERS.map((spec) => spec.name))}) THEN
    RAISE EXCEPTION 'parameter % may not be set per database', parameter USING ERRCODE = '42501';
  END IF;
  IF value IS NULL THEN
    EXECUTE pg_catalog.format('ALTER DATABASE %I RESET %I', db_name, parameter);
  ELSE
    EXECUTE pg_catalog.format('ALTER DATABASE %I SET %I TO %L', db_name, parameter, value);
  END IF;`,
};

const SET_CONNECTION_LIMIT: BoundaryFunction = {
  signature: "set_connection_limit(db_name text, connection_limit integer)",
  returns: "void",
  body: `
  PERFORM ${schema}.tenant_database_owner(db_name);
  EXECUTE pg_catalog.format('ALTER DATABASE %I CONNECTION LIMIT %s', db_name, connection_limit);`,
};

/** Privileges of an access grant on the current (tenant) database's public schema. */
const GRANT_ACCESS: BoundaryFunction = {
  signature: "grant_access(role_name text, access_level text)",
  returns: "void",
  body: `
  DECLARE
    owner_name text := ${schema}.tenant_database_owner(pg_catalog.current_database());
    tables text;
    sequences text;
  BEGIN
    PERFORM ${schema}.assert_tenant(role_name);
    IF role_name = owner_name THEN
      RAISE EXCEPTION 'role % owns this database', role_name USING ERRCODE = '42501';
    END IF;
    CASE access_level
      WHEN 'read_only' THEN tables := 'SELECT'; sequences := 'SELECT';
      WHEN 'read_write' THEN tables := 'SELECT, INSERT, UPDATE, DELETE'; sequences := 'USAGE, SELECT, UPDATE';
      ELSE RAISE EXCEPTION 'unknown access level %', access_level USING ERRCODE = '22023';
    END CASE;
    EXECUTE pg_catalog.format('GRANT CONNECT ON DATABASE %I TO %I', pg_catalog.current_database(), role_name);
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
      EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA public TO %I', role_name);
      EXECUTE pg_catalog.format('GRANT %s ON ALL TABLES IN SCHEMA public TO %I', tables, role_name);
      EXECUTE pg_catalog.format('GRANT %s ON ALL SEQUENCES IN SCHEMA public TO %I', sequences, role_name);
      EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT %s ON TABLES TO %I',
        owner_name, tables, role_name);
      EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public GRANT %s ON SEQUENCES TO %I',
        owner_name, sequences, role_name);
    END IF;
  END`,
};

/** Takes back everything grant_access gave, so the role can then be dropped from `postgres`. */
const REVOKE_ACCESS: BoundaryFunction = {
  signature: "revoke_access(role_name text)",
  returns: "void",
  body: `
  DECLARE
    owner_name text := ${schema}.tenant_database_owner(pg_catalog.current_database());
  BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
      RETURN;
    END IF;
    PERFORM ${schema}.assert_tenant(role_name);
    IF role_name = owner_name THEN
      RAISE EXCEPTION 'role % owns this database', role_name USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT FROM pg_catalog.pg_namespace WHERE nspname = 'public') THEN
      EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public REVOKE ALL ON TABLES FROM %I',
        owner_name, role_name);
      EXECUTE pg_catalog.format('ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public REVOKE ALL ON SEQUENCES FROM %I',
        owner_name, role_name);
    END IF;
    -- Objects the role created pass to the owner (nothing of the tenant's data is dropped); then
    -- whatever else was granted to the role in this database goes with DROP OWNED.
    EXECUTE pg_catalog.format('REASSIGN OWNED BY %I TO %I', role_name, owner_name);
    EXECUTE pg_catalog.format('DROP OWNED BY %I', role_name);
    EXECUTE pg_catalog.format('REVOKE ALL ON DATABASE %I FROM %I', pg_catalog.current_database(), role_name);
  END`,
};

const HELPERS = [ASSERT_TENANT, TENANT_DATABASE_OWNER] as const;
/** What the admin role may call. */
export const BOUNDARY_FUNCTIONS = [
  CREATE_ROLE,
  SET_ROLE_PASSWORD,
  SET_ROLE_VALID_UNTIL,
  SET_ROLE_AUTH,
  CREATE_OWNER_LOGIN,
  DROP_ROLE,
  GIVE_DATABASE,
  RECLAIM_DATABASE,
  SET_DATABASE_SETTING,
  SET_CONNECTION_LIMIT,
  GRANT_ACCESS,
  REVOKE_ACCESS,
] as const;

/** `pgaas.name(arg type, …)` without defaults: how GRANT and REVOKE name a function. */
const qualifiedName = (fn: BoundaryFunction) => `${schema}.${fn.signature.replace(/ DEFAULT [^,)]+/g, "")}`;

function functionSql(fn: BoundaryFunction): string[] {
  const body = fn.body.trimStart().startsWith("DECLARE") ? fn.body : `\n  BEGIN${fn.body}\n  END`;
  const name = `${schema}.${fn.signature}`;
  const bare = qualifiedName(fn);
  return [
    `CREATE OR REPLACE FUNCTION ${name} RETURNS ${fn.returns} LANGUAGE plpgsql SECURITY DEFINER SET search_path = ${ADMIN_SEARCH_PATH} AS $pgaas$${body}\n$pgaas$`,
    `REVOKE ALL ON FUNCTION ${bare} FROM PUBLIC`,
  ];
}

/**
 * The schema and its functions, for one database (run as the superuser with a pinned search_path).
 * Refuses a schema of that name that the superuser does not own.
 */
export function boundarySchemaSql(): string {
  const statements = [
    `DO $pgaas$ BEGIN
  IF EXISTS (SELECT FROM pg_catalog.pg_namespace
              WHERE nspname = ${sqlLiteral(BOUNDARY_SCHEMA)} AND pg_catalog.pg_get_userbyid(nspowner) <> 'postgres') THEN
    RAISE EXCEPTION 'schema % in database % is not owned by postgres: refusing to install the pgaas functions',
      ${sqlLiteral(BOUNDARY_SCHEMA)}, pg_catalog.current_database();
  END IF;
END $pgaas$`,
    `CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${sqlIdent("postgres")}`,
    `REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`,
    `GRANT USAGE ON SCHEMA ${schema} TO ${admin}`,
    ...[...HELPERS, ...BOUNDARY_FUNCTIONS].flatMap(functionSql),
    ...BOUNDARY_FUNCTIONS.map((fn) => `GRANT EXECUTE ON FUNCTION ${qualifiedName(fn)} TO ${admin}`),
    ...poolerFunctionSql(),
    `CREATE OR REPLACE FUNCTION ${schema}.boundary_version() RETURNS integer LANGUAGE sql IMMUTABLE AS ${sqlLiteral(VERSION_BODY)}`,
  ];
  return `BEGIN;\n${psqlScript(statements)}COMMIT;\n`;
}

/**
 * Cluster-wide part, run once on `postgres`: the marker role; PgBouncer's auth roles; the admin role without CREATEROLE and
 * without standing memberships (roles it was a member of under the older design become marked tenant
 * roles); the system databases closed to PUBLIC.
 */
export function boundaryRolesSql(): string {
  const statements = [
    createRoleIfMissing(TENANT_MARKER_ROLE, "NOLOGIN"),
    createRoleIfMissing(CERT_AUTH_ROLE, "NOLOGIN"),
    createRoleIfMissing(CERT_PASSWORD_ROLE, "NOLOGIN"),
    `ALTER ROLE ${admin} NOCREATEROLE`,
    `DO $pgaas$ DECLARE held record; BEGIN
  FOR held IN SELECT g.rolname FROM pg_catalog.pg_auth_members m
                JOIN pg_catalog.pg_roles g ON g.oid = m.roleid
                JOIN pg_catalog.pg_roles r ON r.oid = m.member
               WHERE r.rolname = ${sqlLiteral(ADMIN_ROLE)} AND g.rolname NOT LIKE 'pg\\_%' AND NOT g.rolsuper
  LOOP
    EXECUTE pg_catalog.format('GRANT %I TO %I', ${marker}, held.rolname);
    EXECUTE pg_catalog.format('REVOKE %I FROM %I', held.rolname, ${sqlLiteral(ADMIN_ROLE)});
  END LOOP;
END $pgaas$`,
    `DO $pgaas$ DECLARE db text; BEGIN
  FOR db IN SELECT datname FROM pg_catalog.pg_database WHERE datname = ANY (${arrayLiteral(SYSTEM_DATABASES)}) LOOP
    EXECUTE pg_catalog.format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', db);
  END LOOP;
END $pgaas$`,
    `GRANT CONNECT ON DATABASE ${sqlIdent("postgres")} TO ${admin}`,
    ...poolerRolesSql(),
  ];
  return psqlScript(statements);
}

/** Databases to install the schema in besides `postgres`: template1 first, then every tenant database. */
export const BOUNDARY_TARGETS_SQL = `SELECT datname FROM pg_catalog.pg_database WHERE datallowconn AND datname NOT IN (${["postgres", REPMGR_DATABASE].map(sqlLiteral).join(", ")}) ORDER BY datname <> 'template1', datname`;

/** `1` when `postgres` (installed last) already holds this version of the functions, else `0`. */
export const BOUNDARY_CURRENT_SQL = `SELECT count(*) FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ${sqlLiteral(BOUNDARY_SCHEMA)} AND p.proname = 'boundary_version' AND p.prosrc = ${sqlLiteral(VERSION_BODY)}`;
