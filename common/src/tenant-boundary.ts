// Names shared by the engine (which installs the tenant boundary on every pair) and the control plane
// (which only ever calls through it). Administrative sessions pin search_path so that no name they
// use can resolve to an object a tenant planted.

/** Schema owned by the superuser holding the narrow SECURITY DEFINER functions the admin role calls. */
export const BOUNDARY_SCHEMA = "pgaas";

/** NOLOGIN role every pgaas-managed tenant role belongs to: the boundary functions act on its members only. */
export const TENANT_MARKER_ROLE = "pgaas_tenants";

/** The search_path of every administrative session: catalog first, temporary objects last. */
export const ADMIN_SEARCH_PATH = "pg_catalog, pg_temp";

/** libpq `options` (or PGOPTIONS) that pin ADMIN_SEARCH_PATH for a whole administrative session. */
export const ADMIN_SESSION_OPTIONS = "-c search_path=pg_catalog,pg_temp";
