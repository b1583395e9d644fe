// The control plane's store: a PostgreSQL 15 (Debian's binaries) of its own, reachable on a Unix
// socket only, holding one database owned by a least-privilege role. The role's password is made on
// the host, kept in a 0600 file only the server's user reads, and never crosses the SSH connection.
import { createHash } from "node:crypto";
import { conninfo, shellCommand, shellQuote, sqlIdent, sqlLiteral } from "@pgaas/common";
import { asPostgres } from "../commands/host-commands.js";
import { psqlConninfoCommand } from "../commands/pg-commands.js";
import { PG_BIN_DIR } from "../layout.js";
import type { SystemdServiceDef } from "../services/systemd-unit.js";
import {
  CONTROL_PLANE_STORE_DATABASE,
  CONTROL_PLANE_STORE_PORT,
  CONTROL_PLANE_STORE_ROLE,
  CONTROL_PLANE_USER,
  type ControlPlaneLayout,
} from "./layout.js";

/** Only the server's role, with its password, and postgres itself (peer) may connect: no TCP at all. */
export function renderStoreHba(): string {
  return [
    "# Managed by pgaas - do not edit.",
    "local all postgres peer",
    `local ${CONTROL_PLANE_STORE_DATABASE} ${CONTROL_PLANE_STORE_ROLE} scram-sha-256`,
    "",
  ].join("\n");
}

export function storeHbaPath(layout: ControlPlaneLayout): string {
  return `${layout.storeDataDir}/pg_hba.conf`;
}

/** initdb unless the data directory holds a cluster already; prints `changed` when it ran. */
export function storeInitdbCommand(layout: ControlPlaneLayout): string {
  const initdb = asPostgres([
    `${PG_BIN_DIR}/initdb`,
    "-D",
    layout.storeDataDir,
    "-U",
    "postgres",
    "--auth-local=peer",
    "--auth-host=reject",
    "--data-checksums",
    "--encoding=UTF8",
    "--locale=C.UTF-8",
  ]);
  const version = shellQuote(`${layout.storeDataDir}/PG_VERSION`);
  return `set -e\nif [ ! -s ${version} ]; then ${initdb} >/dev/null && echo changed; fi`;
}

export function storeService(layout: ControlPlaneLayout): SystemdServiceDef {
  return {
    name: `control-plane-${layout.name}-store`,
    argv: [
      `${PG_BIN_DIR}/postgres`,
      "-D",
      layout.storeDataDir,
      "-c",
      "listen_addresses=",
      "-c",
      `unix_socket_directories=${layout.storeSocketDir}`,
      "-c",
      `port=${CONTROL_PLANE_STORE_PORT}`,
    ],
    user: "postgres",
    workingDir: "/tmp",
    logFile: `${layout.logDir}/store.log`,
    pidFile: `${layout.storeDataDir}/postmaster.pid`,
    pidFileWrittenByDaemon: true,
    stopSignal: "INT",
    env: { PGAAS_CONFIG_SHA256: createHash("sha256").update(renderStoreHba()).digest("hex") },
  };
}

/** Waits (bounded) until the store accepts connections on its socket. */
export function storeReadyCommand(layout: ControlPlaneLayout, seconds: number): string {
  const isReady = asPostgres([
    `${PG_BIN_DIR}/pg_isready`,
    "-q",
    "-h",
    layout.storeSocketDir,
    "-p",
    String(CONTROL_PLANE_STORE_PORT),
  ]);
  return [
    `i=0; until ${isReady}; do`,
    `  i=$((i + 1)); if [ $i -ge ${seconds * 5} ]; then echo "the store did not accept connections within ${seconds} s" >&2; exit 1; fi`,
    "  sleep 0.2",
    "done",
  ].join("\n");
}

/**
 * The store role and database: created when missing; a password generated on the host when its file
 * is missing or empty, and set on the role whenever the file or the role is new. SQL goes to psql on
 * stdin and the password only through the shell's builtin printf, so it is in no process's argv.
 * Prints one `changed <what>` line per change.
 */
export function storeRoleCommand(layout: ControlPlaneLayout): string {
  // In a subshell: the command starts with `cd /tmp &&`, which a pipe would otherwise split.
  const psql = `(${psqlConninfoCommand(
    conninfo({ host: layout.storeSocketDir, port: CONTROL_PLANE_STORE_PORT, dbname: "postgres" }),
  )})`;
  const role = sqlIdent(CONTROL_PLANE_STORE_ROLE);
  const database = sqlIdent(CONTROL_PLANE_STORE_DATABASE);
  const file = shellQuote(layout.storePasswordFile);
  const count = (sql: string) => `"$(printf '%s\\n' ${shellQuote(sql)} | ${psql})"`;
  return [
    "set -euo pipefail",
    "fresh=",
    `if [ ! -s ${file} ]; then`,
    `  (umask 077 && head -c 48 /dev/urandom | base64 -w0 | tr -dc A-Za-z0-9 | head -c 40 > ${file}.new)`,
    `  chown ${shellCommand([`${CONTROL_PLANE_USER}:`])} ${file}.new && mv -f ${file}.new ${file}`,
    "  fresh=1; echo changed store-password",
    "fi",
    `if [ ${count(`SELECT count(*) FROM pg_roles WHERE rolname = ${sqlLiteral(CONTROL_PLANE_STORE_ROLE)}`)} = 0 ]; then`,
    `  printf '%s\\n' ${shellQuote(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;`)} | ${psql}`,
    "  fresh=1; echo changed store-role",
    "fi",
    'if [ -n "$fresh" ]; then',
    `  printf ${shellQuote(`ALTER ROLE ${role} PASSWORD '%s';\\n`)} "$(cat ${file})" | ${psql}`,
    "fi",
    `if [ ${count(`SELECT count(*) FROM pg_database WHERE datname = ${sqlLiteral(CONTROL_PLANE_STORE_DATABASE)}`)} = 0 ]; then`,
    `  printf '%s\\n' ${shellQuote(`CREATE DATABASE ${database} OWNER ${role};`)} ${shellQuote(`REVOKE ALL ON DATABASE ${database} FROM PUBLIC;`)} | ${psql}`,
    "  echo changed store-database",
    "fi",
  ].join("\n");
}

/** The server's DATABASE_URL: the store's socket, its role and database (the password is in a file). */
export function storeDatabaseUrl(layout: ControlPlaneLayout): string {
  const query = new URLSearchParams({ host: layout.storeSocketDir, port: String(CONTROL_PLANE_STORE_PORT) });
  return `postgresql://${CONTROL_PLANE_STORE_ROLE}@localhost/${CONTROL_PLANE_STORE_DATABASE}?${query}`;
}
