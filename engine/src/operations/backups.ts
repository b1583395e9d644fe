// Backup operations usable without Pulumi or the control plane: list what the repository holds, take
// a backup now, and restore — a whole pair into a scratch instance, or one database as of a time into
// the pair's primary under a new name. Restores never touch the pair's own data directories.
import { randomBytes } from "node:crypto";
import { ConflictError, InputError, NotFoundError, shellCommand, sqlIdent, sqlLiteral } from "@pgaas/common";
import {
  ADMIN_ROLE,
  ARCHIVER_SQL,
  ArchiverState,
  type BackupEntry,
  type BackupInventory,
  backupInventory,
  parseRepositoryInfo,
  type RepositoryInfo,
} from "@pgaas/common/wire";
import { backupLayout, stanzaOf } from "../backup/backup-layout.js";
import { BACKUP_TIMEOUT_MS, repositoryConf, repositorySession } from "../backup/backup-steps.js";
import { type BackupType, backupCommand, checkCommand, infoCommand } from "../backup/pgbackrest-commands.js";
import {
  type RestoreTarget,
  restoreCommand,
  type ScratchPaths,
  scratchDumpArgv,
  scratchPaths,
  scratchPsqlCommand,
  scratchRemoveCommand,
  scratchStartCommand,
} from "../backup/scratch-commands.js";
import { asPostgres } from "../commands/host-commands.js";
import type { PairHosts } from "../hosts.js";
import { PG_BIN_DIR } from "../layout.js";
import type { MemberSession } from "../member-session.js";
import { openPairSessions, type PairSessions } from "../pair-sessions.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";

const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const RESTORE_TIMEOUT_MS = 3_600_000;
const PROMOTE_WAIT_MS = 600_000;

export interface BackupOptions {
  readonly sshPool?: SshPool;
}

export type BackupList = BackupInventory;

function requireBackups(spec: PairSpec) {
  if (!spec.backup) {
    throw new InputError(`pair ${spec.name} has no backups configured`, { code: "backups_not_configured" });
  }
}

async function withRepository<T>(
  spec: PairSpec,
  hosts: PairHosts,
  options: BackupOptions,
  work: (pair: PairSessions, repository: MemberSession, primary: MemberSession | null) => Promise<T>,
): Promise<T> {
  requireBackups(spec);
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    const primary = await findPrimary(pair);
    if (!primary && spec.backup?.repository.kind !== "local") {
      throw new ConflictError(`pair ${spec.name} has no primary to reach its repository`, {
        code: "no_primary",
      });
    }
    return await work(pair, repositorySession(spec, pair.witness, primary ?? pair.witness), primary);
  } finally {
    await pair.close();
  }
}

async function findPrimary(pair: PairSessions): Promise<MemberSession | null> {
  for (const node of pair.nodes) {
    const state = await node.state().catch(() => null);
    if (state && !state.inRecovery) return node;
  }
  return null;
}

async function readInfo(spec: PairSpec, repository: MemberSession): Promise<RepositoryInfo> {
  const stanza = stanzaOf(spec);
  return parseRepositoryInfo(
    await repository.sh(infoCommand(repositoryConf(repository), stanza), "backup-info"),
    stanza,
  );
}

async function listWith(
  spec: PairSpec,
  repository: MemberSession,
  primary: MemberSession | null,
): Promise<BackupList> {
  const info = await readInfo(spec, repository);
  const archiver = primary
    ? ArchiverState.parse(JSON.parse(await primary.sql(ARCHIVER_SQL, "archiver")))
    : null;
  return backupInventory(info, archiver);
}

export async function listBackups(spec: PairSpec, hosts: PairHosts, options: BackupOptions = {}) {
  return withRepository(spec, hosts, options, (_pair, repository, primary) =>
    listWith(spec, repository, primary),
  );
}

export async function takeBackup(
  spec: PairSpec,
  hosts: PairHosts,
  options: BackupOptions & { type?: BackupType } = {},
): Promise<BackupEntry> {
  return withRepository(spec, hosts, options, async (_pair, repository) => {
    const before = new Set((await readInfo(spec, repository)).backups.map((b) => b.label));
    await repository.sh(
      backupCommand(repositoryConf(repository), stanzaOf(spec), options.type ?? "full"),
      "backup",
      BACKUP_TIMEOUT_MS,
    );
    const made = (await readInfo(spec, repository)).backups.find((b) => !before.has(b.label));
    if (!made) throw new Error(`pgbackrest backup of ${spec.name} finished without a new backup`);
    return made;
  });
}

/** Forces the current WAL segment into the repository (pgbackrest check switches WAL and waits for it). */
async function archiveNow(spec: PairSpec, repository: MemberSession): Promise<void> {
  await repository.sh(checkCommand(repositoryConf(repository), stanzaOf(spec)), "archive-now", 120_000);
}

/** `2026-12-06 07:01:02.345+00`: what recovery_target_time parses, in UTC. */
function recoveryTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")}+00`;
}

export interface PointInTime {
  /** ISO 8601 with a zone; absent: the latest archived state. */
  readonly time?: string;
  /** A backup label to restore from (its end, or `time` after it). */
  readonly backup?: string;
}

/**
 * Checks the target against the repository before anything is created; every refusal names the
 * restorable range. A time newer than the archive's end first pushes the current WAL segment.
 */
async function resolveTarget(
  spec: PairSpec,
  repository: MemberSession,
  primary: MemberSession | null,
  target: PointInTime,
): Promise<RestoreTarget> {
  const list = await listWith(spec, repository, primary);
  const range = { restorableFrom: list.restorableFrom, restorableTo: list.restorableTo };
  const rangeText = `restorable from ${range.restorableFrom ?? "(no backup yet)"} to ${range.restorableTo ?? "(nothing archived)"}`;
  if (list.backups.length === 0) {
    throw new ConflictError(`pair ${spec.name} has no backup yet: ${rangeText}`, {
      code: "no_backup",
      details: range,
    });
  }
  let set: string | undefined;
  if (target.backup !== undefined) {
    const found = list.backups.find((b) => b.label === target.backup);
    if (!found) {
      throw new NotFoundError(`no backup ${target.backup} in the repository of ${spec.name}: ${rangeText}`, {
        code: "unknown_backup",
        details: { ...range, backups: list.backups.map((b) => b.label) },
      });
    }
    set = found.label;
  }
  if (target.time === undefined) return set ? { set } : {};
  const time = new Date(target.time);
  if (Number.isNaN(time.getTime()) || !/[zZ]|[+-]\d\d:?\d\d$/.test(target.time)) {
    throw new InputError(`not an ISO 8601 time with a zone: ${target.time}`, {
      code: "invalid_restore_time",
      details: range,
    });
  }
  const oldest = set ? list.backups.find((b) => b.label === set)?.stoppedAt : list.restorableFrom;
  if (oldest && time.getTime() < Date.parse(oldest)) {
    throw new InputError(
      `${time.toISOString()} is before the ${set ? `end of backup ${set}` : "oldest backup"}: ${rangeText}`,
      {
        code: "restore_time_before_oldest_backup",
        details: range,
      },
    );
  }
  if (time.getTime() > Date.now()) {
    throw new InputError(`${time.toISOString()} is in the future: ${rangeText}`, {
      code: "restore_time_in_future",
      details: range,
    });
  }
  if (!list.restorableTo || time.getTime() > Date.parse(list.restorableTo))
    await archiveNow(spec, repository);
  return { time: recoveryTime(time), ...(set ? { set } : {}) };
}

export interface ScratchInstance {
  readonly id: string;
  /** Host of the scratch instance (the repository host for a local repository). */
  readonly host: string;
  /** Unix socket directory; port 5432 names the socket file, nothing listens on TCP. */
  readonly socketDir: string;
  readonly dataDir: string;
}

function newScratch(session: MemberSession): ScratchPaths & { id: string } {
  const id = `r-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  return { id, ...scratchPaths(backupLayout(session.member.layout).scratchRoot, id) };
}

/** Restores into `paths` and starts it; waits until recovery reached the target and promoted. */
async function startScratch(
  spec: PairSpec,
  repository: MemberSession,
  paths: ScratchPaths,
  target: RestoreTarget,
): Promise<void> {
  const conf = backupLayout(repository.member.layout)[
    repository.member.kind === "witness" ? "restoreConf" : "conf"
  ];
  await repository.sh(restoreCommand(conf, stanzaOf(spec), paths, target), "restore", RESTORE_TIMEOUT_MS);
  const start = await repository.ssh.run(scratchStartCommand(paths), {
    step: `${repository.name}.scratch-start`,
    timeoutMs: PROMOTE_WAIT_MS,
  });
  if (start.code !== 0) await failWithLog(spec, repository, paths, "could not start the restored instance");
  const started = Date.now();
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    const result = await repository.ssh.run(scratchPsqlCommand(paths), {
      step: `${repository.name}.scratch-recovery`,
      stdin: "SELECT pg_is_in_recovery();\n",
      timeoutMs: 30_000,
    });
    if (result.code === 0 && result.stdout.trim() === "f") return;
    const running = await repository.ssh.run(
      asPostgres([`${PG_BIN_DIR}/pg_ctl`, "-D", paths.dataDir, "status"]),
      {
        step: `${repository.name}.scratch-status`,
      },
    );
    if (running.code !== 0) await failWithLog(spec, repository, paths, "recovery stopped");
    if (Date.now() - started > PROMOTE_WAIT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new ConflictError(`restore of ${spec.name} did not finish recovery in ${PROMOTE_WAIT_MS / 1000} s`, {
    code: "restore_timeout",
  });
}

/** The restored instance's own last log lines say why (a missing WAL segment, a bad setting). */
async function failWithLog(
  spec: PairSpec,
  repository: MemberSession,
  paths: ScratchPaths,
  what: string,
): Promise<never> {
  const log = await repository.ssh.run(shellCommand(["tail", "-n", "5", paths.log]), {
    step: `${repository.name}.scratch-log`,
  });
  throw new ConflictError(`restore of ${spec.name}: ${what}: ${log.stdout.trim()}`, {
    code: "restore_failed",
  });
}

async function removeScratchAt(repository: MemberSession, paths: ScratchPaths): Promise<void> {
  await repository.sh(scratchRemoveCommand(paths), "scratch-remove", 120_000);
}

/** Restores the whole pair as of a point in time into a running scratch instance; remove it with `removeScratch`. */
export async function restorePairToScratch(
  spec: PairSpec,
  hosts: PairHosts,
  target: PointInTime,
  options: BackupOptions = {},
): Promise<ScratchInstance> {
  return withRepository(spec, hosts, options, async (_pair, repository, primary) => {
    const resolved = await resolveTarget(spec, repository, primary, target);
    const paths = newScratch(repository);
    try {
      await startScratch(spec, repository, paths, resolved);
    } catch (error) {
      await removeScratchAt(repository, paths);
      throw error;
    }
    return { id: paths.id, host: repository.member.address, socketDir: paths.dir, dataDir: paths.dataDir };
  });
}

export async function removeScratch(
  spec: PairSpec,
  hosts: PairHosts,
  id: string,
  options: BackupOptions = {},
) {
  return withRepository(spec, hosts, options, (_pair, repository) =>
    removeScratchAt(repository, scratchPaths(backupLayout(repository.member.layout).scratchRoot, id)),
  );
}

export interface RestoreDatabaseRequest extends PointInTime {
  /** The database as it was at the target (it may have been dropped since). */
  readonly database: string;
  /** The new database on the pair's primary; must not exist. */
  readonly newName: string;
  /** Tenant role to own it; default the restored database's owner. */
  readonly owner?: string;
}

export interface RestoreDatabaseResult {
  readonly database: string;
  readonly owner: string;
  readonly durationMs: number;
}

/**
 * One database as of a point in time, under a new name: restore the pair into a scratch instance on
 * the repository host, dump that database from it, restore the dump into a new database created and
 * handed to its tenant owner through the boundary functions (the restore itself runs as that owner),
 * then remove the scratch instance — on failure too, and then the new database as well.
 */
export async function restoreDatabase(
  spec: PairSpec,
  hosts: PairHosts,
  request: RestoreDatabaseRequest,
  options: BackupOptions = {},
): Promise<RestoreDatabaseResult> {
  const started = performance.now();
  for (const name of [request.database, request.newName, ...(request.owner ? [request.owner] : [])]) {
    if (!DATABASE_NAME.test(name)) {
      throw new InputError(`not a database or role name: ${name}`, { code: "invalid_name" });
    }
  }
  return withRepository(spec, hosts, options, async (_pair, repository, primary) => {
    if (!primary) throw new ConflictError(`pair ${spec.name} has no primary`, { code: "no_primary" });
    const exists = await primary.sql(
      `SELECT count(*) FROM pg_catalog.pg_database WHERE datname = ${sqlLiteral(request.newName)}`,
      "restore-target-exists",
    );
    if (exists !== "0") {
      throw new ConflictError(`database ${request.newName} already exists on ${spec.name}`, {
        code: "database_exists",
      });
    }
    const resolved = await resolveTarget(spec, repository, primary, request);
    const paths = newScratch(repository);
    let created = false;
    try {
      await startScratch(spec, repository, paths, resolved);
      const ownerOut = (
        await repository.ssh.runChecked(scratchPsqlCommand(paths), {
          step: `${repository.name}.scratch-owner`,
          stdin: `SELECT pg_catalog.pg_get_userbyid(datdba) FROM pg_catalog.pg_database WHERE datname = ${sqlLiteral(request.database)};\n`,
        })
      ).stdout.trim();
      if (ownerOut === "") {
        throw new NotFoundError(`database ${request.database} did not exist at the restore target`, {
          code: "unknown_database",
        });
      }
      const owner = request.owner ?? ownerOut;
      await primary.sql(
        [
          `SET ROLE ${sqlIdent(ADMIN_ROLE)};`,
          `CREATE DATABASE ${sqlIdent(request.newName)} TEMPLATE template1;`,
          "",
        ].join("\n"),
        "restore-create-database",
      );
      created = true;
      await primary.sql(
        [
          `SET ROLE ${sqlIdent(ADMIN_ROLE)};`,
          `SELECT pgaas.give_database(${sqlLiteral(request.newName)}, ${sqlLiteral(owner)});`,
          `REVOKE CONNECT, TEMPORARY ON DATABASE ${sqlIdent(request.newName)} FROM PUBLIC;`,
          "",
        ].join("\n"),
        "restore-give-database",
      );
      await primary.sh(
        copyCommand(repository, primary, paths, request.database, request.newName, owner),
        "restore-copy",
        RESTORE_TIMEOUT_MS,
      );
      return { database: request.newName, owner, durationMs: Math.round(performance.now() - started) };
    } catch (error) {
      if (created) {
        await primary
          .sql(`DROP DATABASE IF EXISTS ${sqlIdent(request.newName)} WITH (FORCE);\n`, "restore-undo")
          .catch(() => undefined);
      }
      throw error;
    } finally {
      await removeScratchAt(repository, paths);
    }
  });
}

/**
 * Runs on the primary: pg_dump on the repository host (over pgBackRest's pinned SSH), streamed into
 * pg_restore as the tenant owner — no file in between, nothing run as a superuser from the dump.
 */
function copyCommand(
  repository: MemberSession,
  primary: MemberSession,
  paths: ScratchPaths,
  database: string,
  newName: string,
  owner: string,
): string {
  const layout = primary.member.layout;
  const remoteDump = shellCommand(scratchDumpArgv(paths, database));
  const dump =
    repository === primary
      ? asPostgres(scratchDumpArgv(paths, database))
      : asPostgres([backupLayout(layout).sshWrapper, `postgres@${repository.member.address}`, remoteDump]);
  const restore = asPostgres([
    `${PG_BIN_DIR}/pg_restore`,
    "-h",
    layout.runDir,
    "-p",
    String(primary.member.port),
    "--no-owner",
    "--no-acl",
    `--role=${owner}`,
    "--exit-on-error",
    "--single-transaction",
    "-d",
    newName,
  ]);
  // The remote shell is sh: bash for pipefail (a failed pg_dump must fail the copy).
  return shellCommand(["bash", "-o", "pipefail", "-c", `(${dump}) | (${restore})`]);
}
