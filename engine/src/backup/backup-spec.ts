// A pair's backups: where the pgBackRest repository lives, when full and differential backups run and
// how many are kept. Part of the pair spec; absent means the pair is not archived at all.
import { CronSchedule } from "@pgaas/common/wire";
import { z } from "zod";

/** An absolute path made of plain characters: it lands unquoted in pgbackrest.conf. */
const PlainPath = z.string().regex(/^\/[A-Za-z0-9_./-]*$/, "an absolute path of letters, digits, _ . / -");
const PlainWord = z.string().regex(/^[A-Za-z0-9_.-]{1,255}$/, "letters, digits, _ . -");

const LocalRepository = z.object({
  kind: z
    .literal("local")
    .describe("A repository host reached over SSH: the witness host (the control-plane host)."),
  path: PlainPath.default("/var/lib/pgbackrest").describe(
    "Parent of the pair's repository directory (`<path>/<pair>`) on the repository host.",
  ),
});

const S3Repository = z.object({
  kind: z.literal("s3").describe("An S3 API endpoint, e.g. OpenStack Swift's s3api middleware."),
  endpoint: PlainWord,
  bucket: PlainWord,
  region: PlainWord.default("us-east-1"),
  path: PlainPath.default("/pgaas"),
  uriStyle: z.enum(["host", "path"]).default("path"),
});

const GcsRepository = z.object({
  kind: z
    .literal("gcs")
    .describe("A GCS bucket; the nodes authenticate with their service account (metadata server)."),
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
      full: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(2)
        .describe("Full backups kept; older ones and the WAL only they need are expired."),
      differential: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(6)
        .describe("Differential backups kept per full backup."),
    })
    .prefault({}),
});
export type BackupSpec = z.output<typeof BackupSpec>;
