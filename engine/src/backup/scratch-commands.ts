// Command lines for a scratch instance: a PostgreSQL restored from the repository into its own
// directory on the repository host, reachable only through a unix socket in that directory (no TCP
// listener, peer authentication), never archiving and never waiting for a synchronous standby.
import { shellCommand } from "@pgaas/common";
import { asPostgres } from "../commands/host-commands.js";
import { PG_BIN_DIR } from "../layout.js";
import { PGBACKREST_BIN } from "./backup-layout.js";

export interface ScratchPaths {
  readonly dir: string;
  readonly dataDir: string;
  readonly hbaFile: string;
  readonly identFile: string;
  readonly log: string;
}

/** The socket's port number only names the socket file; nothing listens on TCP. */
export const SCRATCH_PORT = 5432;

export function scratchPaths(scratchRoot: string, id: string): ScratchPaths {
  if (!/^[a-z0-9-]{1,64}$/.test(id)) throw new TypeError(`invalid scratch id: ${id}`);
  const dir = `${scratchRoot}/${id}`;
  // The directory travels inside pg_ctl's -o string, which a shell splits: plain characters only.
  if (!/^[A-Za-z0-9_./-]+$/.test(dir)) throw new TypeError(`scratch path not plain: ${dir}`);
  return {
    dir,
    dataDir: `${dir}/data`,
    hbaFile: `${dir}/pg_hba.conf`,
    identFile: `${dir}/pg_ident.conf`,
    log: `${dir}/postgresql.log`,
  };
}

export interface RestoreTarget {
  /** `YYYY-MM-DD HH:MM:SS.mmm+00`; absent: the end of the archive. */
  readonly time?: string;
  /** A backup label; absent: pgBackRest picks the newest backup before the time. */
  readonly set?: string;
  /** Stop as soon as the backup is consistent (its end), replaying no later WAL; never with a time. */
  readonly immediate?: boolean;
}

/** pgBackRest's recovery type for a target; the latest state when the target names no time. */
export function recoveryTypeArgs(target: RestoreTarget): string[] {
  if (target.immediate && target.time)
    throw new TypeError("a restore target is a time or immediate, not both");
  if (target.immediate) return ["--type=immediate", "--target-action=promote"];
  if (target.time) return ["--type=time", `--target=${target.time}`, "--target-action=promote"];
  return [];
}

export function restoreCommand(conf: string, stanza: string, paths: ScratchPaths, target: RestoreTarget) {
  const args = [
    PGBACKREST_BIN,
    `--config=${conf}`,
    `--stanza=${stanza}`,
    `--pg1-path=${paths.dataDir}`,
    ...(target.set ? [`--set=${target.set}`] : []),
    ...recoveryTypeArgs(target),
    "restore",
  ];
  return [
    "set -e",
    asPostgres(["install", "-d", "-m", "700", paths.dir]),
    asPostgres(args),
    // Only the postgres OS user, only over the socket.
    asPostgres([
      "sh",
      "-c",
      `printf 'local all postgres peer\\n' > "$1" && : > "$2"`,
      "sh",
      paths.hbaFile,
      paths.identFile,
    ]),
  ].join("\n");
}

/** Settings given on the command line win over the restored postgresql.auto.conf (ALTER SYSTEM). */
export function scratchStartCommand(paths: ScratchPaths): string {
  const options = [
    `-c port=${SCRATCH_PORT}`,
    "-c listen_addresses=",
    `-c unix_socket_directories=${paths.dir}`,
    `-c hba_file=${paths.hbaFile}`,
    `-c ident_file=${paths.identFile}`,
    "-c archive_mode=off",
    "-c synchronous_standby_names=",
    "-c shared_preload_libraries=",
    // No max_connections here: hot standby refuses to start below the value in the restored pg_control.
    "-c shared_buffers=64MB",
  ].join(" ");
  return asPostgres([
    `${PG_BIN_DIR}/pg_ctl`,
    "-D",
    paths.dataDir,
    "-l",
    paths.log,
    "-w",
    "-t",
    "600",
    "-o",
    options,
    "start",
  ]);
}

/** Stops the scratch instance at once and removes its directory; fine when it never started. */
export function scratchRemoveCommand(paths: ScratchPaths): string {
  return [
    `if [ -f ${shellCommand([`${paths.dataDir}/postmaster.pid`])} ]; then ${asPostgres([`${PG_BIN_DIR}/pg_ctl`, "-D", paths.dataDir, "stop", "-m", "immediate", "-w", "-t", "60"])} || true; fi`,
    shellCommand(["rm", "-rf", "--", paths.dir]),
  ].join("\n");
}

export function scratchPsqlCommand(paths: ScratchPaths, database = "postgres"): string {
  return asPostgres([
    `${PG_BIN_DIR}/psql`,
    "-X",
    "-A",
    "-t",
    "-q",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    paths.dir,
    "-p",
    String(SCRATCH_PORT),
    "-d",
    database,
    "-f",
    "-",
  ]);
}

/** pg_dump of one database from the scratch instance, custom format, without the pgaas boundary schema. */
export function scratchDumpArgv(paths: ScratchPaths, database: string): string[] {
  return [
    `${PG_BIN_DIR}/pg_dump`,
    "-h",
    paths.dir,
    "-p",
    String(SCRATCH_PORT),
    "-Fc",
    "--exclude-schema=pgaas",
    "-d",
    database,
  ];
}
