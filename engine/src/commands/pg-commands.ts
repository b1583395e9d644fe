// PostgreSQL command lines (initdb, the pg_ctl wrapper, psql over the local socket). SQL travels on
// stdin, never on the command line, so passwords in it do not show in `ps`.
import { ADMIN_SESSION_OPTIONS, conninfo, shellCommand } from "@pgaas/common";
import { type MemberLayout, PG_BIN_DIR, scriptPaths } from "../layout.js";
import { REPMGR_DATABASE, REPMGR_USER } from "../render/pg-hba.js";
import { asPostgres } from "./host-commands.js";

/** initdb with peer for local sockets, scram for TCP, data checksums (pg_rewind also needs wal_log_hints). */
export function initdbCommand(layout: MemberLayout): string {
  return asPostgres([
    `${PG_BIN_DIR}/initdb`,
    "-D",
    layout.dataDir,
    "-U",
    "postgres",
    "--auth-local=peer",
    "--auth-host=scram-sha-256",
    "--data-checksums",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
  ]);
}

export function pgServiceCommand(
  layout: MemberLayout,
  action: "start" | "stop" | "restart" | "reload",
): string {
  return asPostgres([scriptPaths(layout).pgService, action]);
}

/** Stops PostgreSQL at once (teardown, fencing); fine to run when it is not running. */
export function pgStopImmediateCommand(layout: MemberLayout): string {
  return `${asPostgres([`${PG_BIN_DIR}/pg_ctl`, "-D", layout.configDir, "stop", "-m", "immediate", "-w", "-t", "30"])} || true`;
}

/**
 * psql reading SQL from stdin, unaligned, tuples only, stopping at the first error. Terse errors: a
 * failing statement is not echoed back (some carry passwords), so error messages stay secret-free.
 */
export function psqlCommand(layout: MemberLayout, port: number, database = "postgres"): string {
  return psqlOver(["-h", layout.runDir, "-p", String(port), "-d", database]);
}

/**
 * psql like `psqlCommand`, but to another member over TCP as repmgr (a superuser), run from this host
 * as postgres; `conninfo` names the pair's password file. The agent's automatic rejoin uses it to act
 * on the new primary without SSH.
 */
export function psqlConninfoCommand(memberConninfo: string): string {
  return psqlOver(["-d", memberConninfo]);
}

function psqlOver(target: readonly string[]): string {
  // Administrative sessions resolve no name through a schema a tenant could write.
  return asPostgres(
    [
      `${PG_BIN_DIR}/psql`,
      "-X",
      "-A",
      "-t",
      "-q",
      "-v",
      "ON_ERROR_STOP=1",
      "-v",
      "VERBOSITY=terse",
      ...target,
      "-f",
      "-",
    ],
    { PGOPTIONS: ADMIN_SESSION_OPTIONS },
  );
}

/** Writes the fence marker (why, and when) unless present: the node must not start as a primary. */
export function writeFenceMarkerCommand(layout: MemberLayout, reason: string): string {
  const marker = shellCommand([layout.fenceMarker]);
  return `[ -e ${marker} ] || printf '%s\\n' ${shellCommand([reason])} >${marker}`;
}

/** After initdb: the data directory keeps only the stub postgresql.conf (config lives outside it). */
export function finishInitdbCommand(layout: MemberLayout, stubConf: string): string {
  return [
    `rm -f ${shellCommand([`${layout.dataDir}/pg_hba.conf`, `${layout.dataDir}/pg_ident.conf`])}`,
    `printf '%s' ${shellCommand([stubConf])} > ${shellCommand([`${layout.dataDir}/postgresql.conf`])}`,
    `chown postgres:postgres ${shellCommand([`${layout.dataDir}/postgresql.conf`])}`,
    markDataCompleteCommand(layout),
  ].join(" && ");
}

/** Removes a data directory and its completion marker (leftovers of an interrupted initdb or clone). */
export function wipeDataDirCommand(layout: MemberLayout): string {
  return `rm -f ${shellCommand([layout.dataCompleteMarker])} && rm -rf -- ${shellCommand([layout.dataDir])}`;
}

export function markDataCompleteCommand(layout: MemberLayout): string {
  const marker = shellCommand([layout.dataCompleteMarker]);
  return `touch ${marker} && chown postgres:postgres ${marker}`;
}

export function removeFenceMarkerCommand(layout: MemberLayout): string {
  return `rm -f ${shellCommand([layout.fenceMarker])}`;
}

/**
 * From a node: connect to `host` as repmgr and assign a transaction id, which only a writable primary
 * can do. Proves the endpoint (VIP) reaches a primary that accepts writes.
 */
export function writeProbeCommand(layout: MemberLayout, host: string, port: number): string {
  const target = conninfo({
    host,
    port,
    user: REPMGR_USER,
    dbname: REPMGR_DATABASE,
    connect_timeout: 2,
    passfile: layout.pgpass,
    sslmode: "verify-full",
    sslrootcert: layout.caCertificate,
  });
  return asPostgres([
    `${PG_BIN_DIR}/psql`,
    "-X",
    "-A",
    "-t",
    "-q",
    "-d",
    target,
    "-c",
    "SELECT txid_current()",
  ]);
}
