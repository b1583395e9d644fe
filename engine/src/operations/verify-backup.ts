// Proves the newest backup restorable: restored into a scratch instance only as far as the backup's
// own end (immediate: consistent, no later WAL needed), promoted, then every database that allows
// connections answers a catalog query and the instance is out of recovery. The scratch instance is
// removed whatever happened. Over any CommandTransport: the agent runs it on the standby (or the
// primary of a pair without one), keeping the restore's I/O off the primary where it can.
import { ConflictError, conninfo } from "@pgaas/common";
import { readRepositoryInfo } from "../backup/repository-inventory.js";
import { type ScratchPaths, scratchPsqlCommand } from "../backup/scratch-commands.js";
import { newScratch, removeScratchAt, startScratch } from "../backup/scratch-instance.js";
import type { MemberCommands } from "../member-commands.js";

export interface VerifyBackupHosts {
  /** The pgBackRest stanza (the pair's name). */
  readonly stanza: string;
  /** Where the scratch instance runs; it reads the repository with its own pgBackRest config. */
  readonly repository: MemberCommands;
}

export interface VerifyBackupResult {
  /** The label of the backup that was restored. */
  readonly backup: string;
  /** Every database that allows connections, each of which answered. */
  readonly databases: readonly string[];
  readonly durationMs: number;
}

/** JSON so that no database name (spaces, quotes, newlines) can split the list. */
export const CONNECTABLE_DATABASES_SQL =
  "SELECT coalesce(json_agg(datname ORDER BY datname), '[]') FROM pg_catalog.pg_database WHERE datallowconn;\n";
export const CATALOG_COUNT_SQL = "SELECT count(*) FROM pg_catalog.pg_class;\n";
export const IN_RECOVERY_SQL = "SELECT pg_catalog.pg_is_in_recovery();\n";

export async function verifyLatestBackupOn(hosts: VerifyBackupHosts): Promise<VerifyBackupResult> {
  const started = performance.now();
  const { stanza, repository } = hosts;
  const newest = (await readRepositoryInfo(stanza, repository)).backups.at(-1);
  if (newest === undefined) {
    throw new ConflictError(`the pair ${stanza} has no backup to verify`, { code: "no_backup" });
  }
  const paths = newScratch(repository);
  try {
    await startScratch(repository, stanza, paths, { set: newest.label, immediate: true });
    const databases = await checkScratch(repository, stanza, paths);
    return { backup: newest.label, databases, durationMs: Math.round(performance.now() - started) };
  } finally {
    await removeScratchAt(repository, paths);
  }
}

export async function scratchQuery(
  host: MemberCommands,
  paths: ScratchPaths,
  database: string,
  sql: string,
  step: string,
  timeoutMs = 60_000,
): Promise<string> {
  // A conninfo, not a bare name: psql would read a name containing "=" as a connection string.
  const result = await host.transport.runChecked(scratchPsqlCommand(paths, conninfo({ dbname: database })), {
    step: `${host.name}.${step}`,
    stdin: sql,
    timeoutMs,
  });
  return result.stdout.trim();
}

/** The restore checks on a started scratch instance: promoted, and every connectable database answers. */
export async function checkScratch(
  host: MemberCommands,
  stanza: string,
  paths: ScratchPaths,
): Promise<string[]> {
  const fail = (what: string): never => {
    throw new ConflictError(`restore check of ${stanza}: ${what}`, { code: "restore_check_failed" });
  };
  if ((await scratchQuery(host, paths, "postgres", IN_RECOVERY_SQL, "verify-recovery")) !== "f") {
    fail("the restored instance is still in recovery");
  }
  const listed: unknown = JSON.parse(
    await scratchQuery(host, paths, "postgres", CONNECTABLE_DATABASES_SQL, "verify-databases"),
  );
  if (!Array.isArray(listed) || listed.length === 0 || !listed.every((name) => typeof name === "string")) {
    return fail(`no database list: ${JSON.stringify(listed)}`);
  }
  for (const database of listed as string[]) {
    const count = await scratchQuery(host, paths, database, CATALOG_COUNT_SQL, "verify-catalog").catch(
      (error: unknown) => fail(`database ${database} did not answer: ${(error as Error).message}`),
    );
    if (!/^[1-9][0-9]*$/.test(count))
      fail(`database ${database} counted ${JSON.stringify(count)} catalog rows`);
  }
  return listed as string[];
}
