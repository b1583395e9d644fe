// `pgbackrest info --output=json`, validated at the boundary and reduced to what pgaas shows: each
// backup's times, sizes and WAL range, and the archive's WAL range.
import { z } from "zod";

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

export interface BackupEntry {
  readonly label: string;
  readonly type: "full" | "diff" | "incr";
  readonly startedAt: string;
  readonly stoppedAt: string;
  /** Size of the database the backup holds. */
  readonly databaseBytes: number;
  /** What the backup takes in the repository (compressed, encrypted). */
  readonly repositoryBytes: number;
  readonly walStart: string | null;
  readonly walStop: string | null;
}

export interface RepositoryInfo {
  readonly stanza: string;
  /** pgBackRest's status: 0 ok, 2 no valid backups, others are errors. */
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly backups: readonly BackupEntry[];
  readonly walMin: string | null;
  readonly walMax: string | null;
}

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
