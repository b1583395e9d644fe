// The roles PgBouncer's auth_query uses (see pooler-auth-sql.ts). Reserved: never a tenant's, never
// admitted over TCP.

/** PgBouncer's auth_user: logs in on the local socket only, may call pgaas.pooler_auth and nothing else. */
export const POOLER_AUTH_USER = "pgaas_pooler";
/** Owner of pgaas.pooler_auth: NOLOGIN, may read pg_authid and nothing else. */
export const POOLER_AUTH_OWNER = "pgaas_pooler_auth";
/** The pg_ident map that lets the OS user postgres (PgBouncer's) log in as POOLER_AUTH_USER. */
export const POOLER_IDENT_MAP = "pgaas_pooler";
