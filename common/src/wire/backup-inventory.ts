// A pair's backup inventory: what the repository holds (from `pgbackrest info --output=json`) and how
// far the WAL archive reaches (from pg_stat_archiver on the primary). Shared by the engine (over SSH),
// the agent (on the primary, for the control plane) and the control plane, so all three read and
// show the same numbers.
import { z } from "zod";
import { CronSchedule } from "./cron.js";

const InfoBackup = z.object({
  label: z.string(),
  type: z.enum(["full", "diff", "incr"]),
  timestamp: z.object({ start: z.number(), stop: z.number() }),
  info: z.object({
    size: z.number(),
    repository: z.object({ size: z.number(), delta: z.number() }),
  }),
  archive: z.object({ start: z.string().nullable(), stop: z.string().nullable() }),
  error: z.boolean().optional(),
});

const InfoStanza = z.object({
  name: z.string(),
  backup: z.array(InfoBackup),
  archive: z.array(z.object({ id: z.string(), min: z.string().nullable(), max: z.string().nullable() })),
  status: z.object({ code: z.number(), message: z.string() }),
});

export const BackupType = z.enum(["full", "diff", "incr"]);
export type BackupType = z.infer<typeof BackupType>;

const Instant = z.iso.datetime({ offset: true });
/** A WAL segment name, e.g. 000000010000000000000003. */
const WalSegment = z.string().regex(/^[0-9A-F]{24}$/, "a WAL segment name");

export const BackupEntry = z.object({
  label: z.string().min(1).max(100),
  type: BackupType,
  startedAt: Instant,
  stoppedAt: Instant,
  /** Size of the database the backup holds. */
  databaseBytes: z.number().int().nonnegative(),
  /** What the backup takes in the repository (compressed, encrypted). */
  repositoryBytes: z.number().int().nonnegative(),
  walStart: WalSegment.nullable(),
  walStop: WalSegment.nullable(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const RepositoryInfo = z.object({
  stanza: z.string(),
  /** pgBackRest's status: 0 ok, 2 no valid backups, others are errors. */
  statusCode: z.number().int(),
  statusMessage: z.string().max(1000),
  backups: z.array(BackupEntry).max(1000),
  walMin: WalSegment.nullable(),
  walMax: WalSegment.nullable(),
});
export type RepositoryInfo = z.infer<typeof RepositoryInfo>;

/** When full and differential backups are due (UTC cron), as the pair's spec sets them. */
export const BackupSchedule = z.object({ full: CronSchedule, differential: CronSchedule });
export type BackupSchedule = z.infer<typeof BackupSchedule>;

/** The spec's retention: full backups kept, and differential ones per full (count based). */
export const BackupRetention = z.object({
  full: z.number().int().min(1).max(100),
  differential: z.number().int().min(1).max(100),
});
export type BackupRetention = z.infer<typeof BackupRetention>;

export const BackupInventory = RepositoryInfo.extend({
  /** Earliest second a restore can reach: the end of the oldest backup. */
  restorableFrom: Instant.nullable(),
  /** The last second WAL is in the repository for (PostgreSQL's last archived segment). */
  restorableTo: Instant.nullable(),
  /** Seconds of WAL the repository lacks (the RPO right now): 0 while the current segment has nothing new. */
  archiveLagSeconds: z.number().nonnegative().nullable(),
  archiveFailures: z.number().int().nonnegative(),
  /** Reported by the agent from its config: the control plane runs it (absent: nobody schedules). */
  schedule: BackupSchedule.optional(),
  /** Reported by the agent from its config: how long the repository reaches back. */
  retention: BackupRetention.optional(),
});
export type BackupInventory = z.infer<typeof BackupInventory>;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export function parseRepositoryInfo(json: string, stanza: string): RepositoryInfo {
  const stanzas = z.array(InfoStanza).parse(JSON.parse(json));
  const found = stanzas.find((entry) => entry.name === stanza);
  if (!found) throw new TypeError(`pgbackrest info has no stanza ${stanza}`);
  const archives = found.archive;
  return {
    stanza,
    statusCode: found.status.code,
    statusMessage: found.status.message,
    backups: found.backup
      .filter((backup) => backup.error !== true)
      .map((backup) => ({
        label: backup.label,
        type: backup.type,
        startedAt: iso(backup.timestamp.start),
        stoppedAt: iso(backup.timestamp.stop),
        databaseBytes: backup.info.size,
        repositoryBytes: backup.info.repository.delta,
        walStart: backup.archive.start,
        walStop: backup.archive.stop,
      })),
    walMin: archives[0]?.min ?? null,
    walMax: archives.at(-1)?.max ?? null,
  };
}

/** Run on the primary as a superuser or pg_monitor member; one row, one JSON value (ArchiverState). */
export const ARCHIVER_SQL = `SELECT json_build_object(
  'lastArchivedAt', to_char(last_archived_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
  'failed', failed_count,
  'pending', pg_walfile_name(pg_current_wal_lsn()) > coalesce(last_archived_wal, ''),
  'now', to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
  FROM pg_catalog.pg_stat_archiver`;

export const ArchiverState = z.object({
  lastArchivedAt: Instant.nullable(),
  failed: z.number().int().nonnegative(),
  /** The current WAL segment has not been archived yet (it holds WAL the repository lacks). */
  pending: z.boolean(),
  now: Instant,
});
export type ArchiverState = z.infer<typeof ArchiverState>;

function latestInstant(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/** The inventory from the repository's info and the primary's archiver (null: no primary to ask). */
export function backupInventory(info: RepositoryInfo, archiver: ArchiverState | null): BackupInventory {
  const lastArchived = archiver?.lastArchivedAt ?? null;
  const lag =
    archiver && lastArchived
      ? archiver.pending
        ? Math.max(0, (Date.parse(archiver.now) - Date.parse(lastArchived)) / 1000)
        : 0
      : null;
  const restorableFrom = info.backups[0]?.stoppedAt ?? null;
  const archivedTo = archiver && !archiver.pending ? archiver.now : lastArchived;
  return {
    ...info,
    restorableFrom,
    // A backup's own end is restorable once it exists: pgBackRest stamps it after the segment holding it
    // was archived, so the last archive time can lie a moment before it.
    restorableTo: latestInstant(archivedTo, restorableFrom),
    archiveLagSeconds: lag,
    archiveFailures: archiver?.failed ?? 0,
  };
}
