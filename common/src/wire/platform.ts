// What a pair runs and listens on: one PostgreSQL major (Debian's postgresql-15 and
// postgresql-15-repmgr packages) and the default ports of PostgreSQL and the agent.

export const POSTGRES_MAJOR = 15;

/** Where Debian installs that major's server binaries, repmgr and repmgrd. */
export const POSTGRES_BIN_DIR = `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin`;

export const POSTGRES_PORT = 5432;

/** The agent's HTTP port (/health, /primary, /metrics). */
export const AGENT_PORT = 9187;
/** PgBouncer on each node, reached through the endpoint like PostgreSQL: its customary port. */
export const POOLER_PORT = 6432;
/** The control plane's HTTPS port (API, portal, agents' reports) on its host. */
export const CONTROL_PLANE_PORT = 443;
