// Bootstrap steps for backups: pgBackRest's directories, the stanza, a proof that archiving works end
// to end (`check`), and a first full backup so the pair is restorable from the moment it exists.
import { parseRepositoryInfo } from "@pgaas/common/wire";
import { ensureDirectoriesCommand } from "../commands/host-commands.js";
import type { DirectorySpec } from "../layout.js";
import type { MemberSession } from "../member-session.js";
import type { PairSpec } from "../spec.js";
import { backupLayout, localRepositoryPath, stanzaOf } from "./backup-layout.js";
import { backupCommand, checkCommand, infoCommand, stanzaCreateCommand } from "./pgbackrest-commands.js";
import { repositoryConf } from "./repository-inventory.js";

/** A full backup of a fresh pair takes seconds; a large one may take long (the caller's schedule owns those). */
export const BACKUP_TIMEOUT_MS = 3_600_000;
const CHECK_TIMEOUT_MS = 120_000;

export function backupDirectories(spec: PairSpec, session: MemberSession): DirectorySpec[] {
  if (!spec.backup) return [];
  const paths = backupLayout(session.member.layout);
  if (session.member.kind === "node") return [{ path: paths.spoolDir, owner: "postgres", mode: 0o700 }];
  if (spec.backup.repository.kind !== "local") return [];
  return [
    { path: localRepositoryPath(spec), owner: "postgres", mode: 0o750 },
    { path: paths.scratchRoot, owner: "postgres", mode: 0o700 },
  ];
}

export async function ensureBackupDirectories(spec: PairSpec, session: MemberSession) {
  const dirs = backupDirectories(spec, session);
  if (dirs.length === 0) return { changed: false };
  const out = await session.sh(ensureDirectoriesCommand(dirs), "backup-directories");
  return { changed: out.trim().length > 0 };
}

/**
 * Where repository commands (backup, info, check, restores) run: the repository host for a local
 * repository, else the primary, which reaches the bucket itself.
 */
export function repositorySession(
  spec: PairSpec,
  witness: MemberSession,
  primary: MemberSession,
): MemberSession {
  return spec.backup?.repository.kind === "local" ? witness : primary;
}

export async function ensureStanza(spec: PairSpec, repository: MemberSession) {
  const conf = repositoryConf(repository);
  const stanza = stanzaOf(spec);
  await repository.sh(stanzaCreateCommand(conf, stanza), "stanza-create", CHECK_TIMEOUT_MS);
  await repository.sh(checkCommand(conf, stanza), "backup-check", CHECK_TIMEOUT_MS);
  const info = parseRepositoryInfo(await repository.sh(infoCommand(conf, stanza), "backup-info"), stanza);
  if (info.backups.length > 0) return { changed: false, detail: `${info.backups.length} backups` };
  await repository.sh(backupCommand(conf, stanza, "full"), "first-backup", BACKUP_TIMEOUT_MS);
  return { changed: true, detail: "first full backup" };
}
