// One database as of a point in time, under a new name, on the pair's primary. The one
// implementation: the engine runs it over SSH (restoreDatabase in backups.ts, scratch instance on the
// repository host) and the agent runs it on the primary's own host (scratch instance there, restored
// with the node's pgBackRest config), both through `restoreDatabaseOn`.
import { ConflictError, InputError, NotFoundError, shellCommand, sqlIdent, sqlLiteral } from "@pgaas/common";
import { ADMIN_ROLE, PG_NAME_PATTERN, type PointInTime } from "@pgaas/common/wire";
import { backupLayout } from "../backup/backup-layout.js";
import { resolveTarget } from "../backup/repository-inventory.js";
import { type ScratchPaths, scratchDumpArgv, scratchPsqlCommand } from "../backup/scratch-commands.js";
import { newScratch, removeScratchAt, startScratch } from "../backup/scratch-instance.js";
import { asPostgres } from "../commands/host-commands.js";
import { PG_BIN_DIR } from "../layout.js";
import type { MemberCommands } from "../member-commands.js";

const COPY_TIMEOUT_MS = 3_600_000;

export interface RestoreDatabaseRequest extends PointInTime {
  /** The database as it was at the target (it may have been dropped since). */
  readonly database: string;
  /** The new database on the pair's primary; must not exist. */
  readonly newName: string;
  /** Tenant role to own it (it must exist); default the restored database's owner. */
  readonly owner?: string;
}

export interface RestoreDatabaseResult {
  readonly database: string;
  readonly owner: string;
  readonly durationMs: number;
}

export interface RestoreHosts {
  /** The pgBackRest stanza (the pair's name). */
  readonly stanza: string;
  /** Where the scratch instance runs and the repository is read: the witness of a local repository over SSH, or the primary itself. */
  readonly repository: MemberCommands;
  /** The pair's primary, which gets the new database. */
  readonly primary: MemberCommands;
}

function checkRestoreNames(request: RestoreDatabaseRequest): void {
  for (const name of [request.database, request.newName, ...(request.owner ? [request.owner] : [])]) {
    if (!PG_NAME_PATTERN.test(name)) {
      throw new InputError(`not a database or role name: ${name}`, { code: "invalid_name" });
    }
  }
}

/**
 * Restores the pair into a scratch instance on the repository host, dumps the one database from it,
 * restores the dump into a new database created and handed to its tenant owner through the boundary
 * functions (the restore itself runs as that owner), then removes the scratch instance — on failure
 * too, and then the new database as well. Nothing is created before the target was checked.
 */
export async function restoreDatabaseOn(
  hosts: RestoreHosts,
  request: RestoreDatabaseRequest,
): Promise<RestoreDatabaseResult> {
  const started = performance.now();
  checkRestoreNames(request);
  const { stanza, repository, primary } = hosts;
  const exists = await primary.sql(
    `SELECT count(*) FROM pg_catalog.pg_database WHERE datname = ${sqlLiteral(request.newName)}`,
    "restore-target-exists",
  );
  if (exists !== "0") {
    throw new ConflictError(`database ${request.newName} already exists on ${stanza}`, {
      code: "database_exists",
    });
  }
  const resolved = await resolveTarget(stanza, repository, primary, request);
  const paths = newScratch(repository);
  let created = false;
  try {
    await startScratch(repository, stanza, paths, resolved);
    const ownerOut = (
      await repository.transport.runChecked(scratchPsqlCommand(paths), {
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
      COPY_TIMEOUT_MS,
    );
    return { database: request.newName, owner, durationMs: Math.round(performance.now() - started) };
  } catch (error) {
    if (created) {
      const undo = await primary
        .sql(`DROP DATABASE IF EXISTS ${sqlIdent(request.newName)} WITH (FORCE);\n`, "restore-undo")
        .then(
          () => null,
          (undoError: unknown) => undoError,
        );
      // The caller learns what is left over, not only why the restore failed.
      if (undo !== null && error instanceof Error) {
        error.message = `${error.message} (and the half-restored database ${request.newName} could not be dropped: ${(undo as Error).message}; drop it by hand)`;
      }
    }
    throw error;
  } finally {
    await removeScratchAt(repository, paths);
  }
}

/**
 * Runs on the primary: pg_dump of the scratch instance (on the repository host over pgBackRest's
 * pinned SSH, or locally), streamed into pg_restore as the tenant owner — no file in between, nothing
 * run as a superuser from the dump.
 */
function copyCommand(
  repository: MemberCommands,
  primary: MemberCommands,
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
