// A pair's backups: where the pgBackRest repository lives, when full and differential backups run and
// how many are kept. Part of the pair spec; absent means the pair is not archived at all.
import { CronSchedule } from "@pgaas/common/wire";
import { z } from "zod";

/** An absolute path made of plain characters: it lands unquoted in pgbackrest.conf. */
const PlainPath = z.string().regex(/^\/[A-Za-z0-9_./-]*$/, "an absolute path of letters, digits, _ . / -");
const PlainWord = z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, "letters, digits, _ . -");

const LocalRepository = z.object({
  /** A repository host reached over SSH: the witness host (the control-plane host). */
  kind: z.literal("local"),
  /** Parent of the pair's repository directory (`<path>/<pair>`) on the repository host. */
  path: PlainPath.default("/var/lib/pgbackrest"),
});

const S3Repository = z.object({
  /** An S3 API endpoint, e.g. OpenStack Swift's s3api middleware. */
  kind: z.literal("s3"),
  endpoint: PlainWord,
  bucket: PlainWord,
  region: PlainWord.default("us-east-1"),
  path: PlainPath.default("/pgaas"),
  uriStyle: z.enum(["host", "path"]).default("path"),
});

const GcsRepository = z.object({
  /** A GCS bucket; the nodes authenticate with their service account (metadata server). */
  kind: z.literal("gcs"),
  bucket: PlainWord,
  path: PlainPath.default("/pgaas"),
});

export const BackupRepository = z.discriminatedUnion("kind", [LocalRepository, S3Repository, GcsRepository]);
export type BackupRepository = z.infer<typeof BackupRepository>;

export const BackupSpec = z.object({
  repository: BackupRepository,
  schedule: z
    .object({
      full: CronSchedule.default("0 1 * * 0"),
      differential: CronSchedule.default("0 1 * * 1-6"),
    })
    .prefault({}),
  retention: z
    .object({
      /** Full backups kept; older ones and the WAL only they need are expired. */
      full: z.number().int().min(1).max(100).default(2),
      /** Differential backups kept per full backup. */
      differential: z.number().int().min(1).max(100).default(6),
    })
    .prefault({}),
});
export type BackupSpec = z.output<typeof BackupSpec>;
