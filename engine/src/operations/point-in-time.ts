// What the whole pair held at a point in time, without touching the pair: restored into a scratch
// instance, checked like a verified backup (promoted, every connectable database answers), then each
// database analyzed there and its owner, size and row estimate read (the planner's reltuples after
// that ANALYZE: exact for a table of up to 30,000 pages, which ANALYZE reads whole; a sampled estimate
// above), and the instance removed whatever happened.
import { sqlLiteral } from "@pgaas/common";
import type { DatabaseAtTime, PointInTime } from "@pgaas/common/wire";
import { resolveTarget } from "../backup/repository-inventory.js";
import { newScratch, removeScratchAt, startScratch } from "../backup/scratch-instance.js";
import type { MemberCommands, SqlTarget } from "../member-commands.js";
import { checkScratch, scratchQuery } from "./verify-backup.js";

export type { DatabaseAtTime } from "@pgaas/common/wire";

export interface PointInTimeContents {
  readonly databases: readonly DatabaseAtTime[];
  readonly durationMs: number;
}

export interface PointInTimeHosts {
  readonly stanza: string;
  /** Where the scratch instance runs; it reads the repository with its own pgBackRest config. */
  readonly repository: MemberCommands;
  /** The pair's primary for the archiver's state (null: none, the archive as the repository shows it). */
  readonly primary: SqlTarget | null;
  /**
   * Pushes the current WAL segment when the time lies after the archive's end. Default: pgbackrest
   * check on the repository host, which switches WAL only where it reaches the primary (not on a
   * standby); elsewhere, archiveThroughPrimary.
   */
  readonly archiveNow?: () => Promise<void>;
}

/** Statistics as of the time for every table, so that the row estimates count the rows themselves. */
export const ANALYZE_SQL = "ANALYZE;\n";
/** ANALYZE reads at most 30,000 pages a table, but a database may hold thousands of tables. */
const ANALYZE_TIMEOUT_MS = 30 * 60_000;

/** One row, `owner|bytes|rows`, run in the database itself. */
export function databaseFiguresSql(database: string): string {
  return `SELECT pg_catalog.pg_get_userbyid(d.datdba) || '|' || pg_catalog.pg_database_size(d.oid) || '|' ||
  (SELECT coalesce(sum(greatest(c.reltuples, 0)), 0)::bigint FROM pg_catalog.pg_class c
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
      AND n.nspname NOT LIKE 'pg\\_toast%')
  FROM pg_catalog.pg_database d WHERE d.datname = ${sqlLiteral(database)};\n`;
}

export async function describePointInTimeOn(
  hosts: PointInTimeHosts,
  target: PointInTime,
): Promise<PointInTimeContents> {
  const started = performance.now();
  const { stanza, repository } = hosts;
  const resolved = await resolveTarget(stanza, repository, hosts.primary, target, hosts.archiveNow);
  const paths = newScratch(repository);
  try {
    await startScratch(repository, stanza, paths, resolved);
    const names = await checkScratch(repository, stanza, paths);
    const databases: DatabaseAtTime[] = [];
    for (const name of names) {
      await scratchQuery(repository, paths, name, ANALYZE_SQL, "pit-analyze", ANALYZE_TIMEOUT_MS);
      const row = await scratchQuery(repository, paths, name, databaseFiguresSql(name), "pit-figures");
      const [owner = "", bytes = "", rows = ""] = row.split("|");
      databases.push({ name, owner, sizeBytes: Number(bytes), rowEstimate: Number(rows) });
    }
    return { databases, durationMs: Math.round(performance.now() - started) };
  } finally {
    await removeScratchAt(repository, paths);
  }
}
