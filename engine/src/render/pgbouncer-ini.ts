// PgBouncer on a node: transaction pooling in front of the node's own PostgreSQL. Clients reach it
// through the endpoint (the VIP or load balancer that follows the primary) on the pooler port, over
// TLS with the node's server certificate, so verify-full against the endpoint holds exactly as on
// PostgreSQL's port. PgBouncer reaches PostgreSQL over the local unix socket (no byte leaves the
// host). Passwords never sit in a file: auth_query asks PostgreSQL through a SECURITY DEFINER
// function for the tenant's SCRAM verifier, and PgBouncer replays the client's SCRAM proof upstream.
import { PG_NAME_PATTERN } from "@pgaas/common/wire";
import type { Member } from "../members.js";
import type { PairSpec } from "../spec.js";
import { POOLER_AUTH_QUERY } from "../sql/pooler-auth-sql.js";
import { POOLER_AUTH_USER } from "../sql/pooler-roles.js";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";

export const PGBOUNCER_BIN = "/usr/sbin/pgbouncer";

/** PgBouncer's ini values are unquoted to the end of the line. */
function iniLine(key: string, value: string | number): string {
  assertOneLine(String(value), `pgbouncer ${key}`);
  return `${key} = ${value}`;
}

export function pgbouncerPidFile(member: Member): string {
  return `${member.layout.runDir}/pgbouncer.pid`;
}

export function renderPgbouncerIni(spec: PairSpec, member: Member): string {
  const layout = member.layout;
  const pooler = spec.pooler;
  const lines = [
    "[databases]",
    "; Only the databases enabled for pooling; the agent rewrites this file and reloads (never restarts).",
    `%include ${layout.pgbouncerDatabases}`,
    "",
    "[pgbouncer]",
    // The node address and the endpoint (bound before this node holds it: ip_nonlocal_bind).
    iniLine("listen_addr", [member.address, spec.endpoint.address].join(",")),
    iniLine("listen_port", pooler.port),
    // The unix socket is how the agent and tests on the host reach it; TCP stays TLS only.
    iniLine("unix_socket_dir", layout.runDir),
    iniLine("pidfile", pgbouncerPidFile(member)),
    iniLine("pool_mode", "transaction"),
    iniLine("default_pool_size", pooler.defaultPoolSize),
    iniLine("max_client_conn", pooler.maxClientConn),
    // A login failure (the node restarting) retried after 1 s, not the default 15 s.
    iniLine("server_login_retry", 1),
    iniLine("auth_type", "hba"),
    iniLine("auth_hba_file", layout.pgbouncerHba),
    iniLine("auth_user", POOLER_AUTH_USER),
    iniLine("auth_query", POOLER_AUTH_QUERY),
    // No admin_users/stats_users: the admin console admits nobody; the agent reloads with SIGHUP.
    iniLine("client_tls_sslmode", "require"),
    iniLine("client_tls_cert_file", layout.serverCertificate),
    iniLine("client_tls_key_file", layout.serverKey),
    iniLine("client_tls_protocols", "tlsv1.2,tlsv1.3"),
    // The unix socket to PostgreSQL is not TLS: nothing crosses a network there.
    iniLine("server_tls_sslmode", "disable"),
    // stderr goes to the service's log (journal on VMs); no second log file, no syslog.
    iniLine("syslog", 0),
    iniLine("log_connections", 1),
    iniLine("log_disconnections", 1),
    iniLine("log_pooler_errors", 1),
    iniLine("application_name_add_host", 0),
    // JDBC sends it on every connect; PgBouncer would refuse the connection otherwise.
    iniLine("ignore_startup_parameters", "extra_float_digits"),
    "",
  ];
  return withHeader(lines.join("\n"), { comment: ";" });
}

/**
 * The [databases] include: each pooled database through the local socket, nothing else. A database
 * not listed is refused on the pooler port.
 */
export function renderPgbouncerDatabases(
  target: { readonly socketDir: string; readonly port: number },
  databases: readonly string[],
): string {
  const names = [...new Set(databases)].sort();
  for (const name of names) {
    if (!PG_NAME_PATTERN.test(name)) throw new TypeError(`not a poolable database name: ${name}`);
  }
  const lines = names.map((name) => `${name} = host=${target.socketDir} port=${target.port} dbname=${name}`);
  return withHeader(lines.length === 0 ? "; no database is pooled\n" : `${lines.join("\n")}\n`, {
    comment: ";",
  });
}
