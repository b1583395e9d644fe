// A new pair seeded from another pair's repository: the source's whole cluster as of a point in time
// becomes the new pair's first primary instead of an empty initdb. Read-only use of the source: the
// new pair archives into its own stanza, so the source pair may still be alive and archiving.
import { Secret } from "@pgaas/common";
import { PairName, RestoreTime } from "@pgaas/common/wire";
import { z } from "zod";
import { BackupRepository } from "./backup-spec.js";

/** A pgBackRest backup label, e.g. 20261207-061502F or 20261207-061502F_20261207-070001D. */
const BackupLabel = z.string().regex(/^[0-9]{8}-[0-9]{6}F(_[0-9]{8}-[0-9]{6}[DI])?$/, "a pgBackRest label");

export const RestoreFromSpec = z
  .object({
    repository: BackupRepository.describe(
      "The source pair's repository (its backup.repository). A local one is read on this pair's witness host.",
    ),
    stanza: PairName.describe("The source pair's stanza: its name."),
    time: RestoreTime.optional().describe(
      "ISO 8601 with a zone: the instant to recover to; absent: the end of the source's archive.",
    ),
    backup: BackupLabel.optional().describe(
      "The source backup to start from; absent: the newest before time.",
    ),
    cipherPass: z
      .string()
      .min(1)
      .max(1024)
      .transform((value) => new Secret(value))
      .describe("The source repository's encryption key (its pair secrets' backupCipherPass)."),
  })
  .describe(
    "Seed the pair's first primary from another pair's backups instead of initdb; ignored once the pair has data.",
  );
export type RestoreFromSpec = z.output<typeof RestoreFromSpec>;
