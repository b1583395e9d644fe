// Where pgBackRest's files live for one pair member. Every path carries the pair and the member, like
// the rest of the layout, so namespace hosts sharing one filesystem never share a spool or a lock.
import type { MemberLayout } from "../layout.js";
import type { PairSpec } from "../spec.js";

export const PGBACKREST_BIN = "/usr/bin/pgbackrest";

export interface BackupLayout {
  /** This member's pgbackrest.conf (every command gets `--config=` it: Debian's /etc/pgbackrest.conf is never read). */
  readonly conf: string;
  /** The witness only: the repository without the nodes, for restores into scratch instances there. */
  readonly restoreConf: string;
  /**
   * The source pair's repository while this pair is seeded from it (restoreFrom): written for the seed
   * only (it holds the source's key) and removed after it.
   */
  readonly seedConf: string;
  /** `cmd-ssh`: ssh with the pair's key and the pinned host keys. */
  readonly sshWrapper: string;
  /** Run by the event hook after a promotion: pushes the old timeline's complete segments. */
  readonly archiveHandover: string;
  /** archive-async's queue of WAL waiting to be pushed (persistent: it must survive a restart). */
  readonly spoolDir: string;
  readonly lockDir: string;
  readonly logDir: string;
  /** The witness only: scratch instances restored from the repository live below it. */
  readonly scratchRoot: string;
}

export function backupLayout(layout: MemberLayout): BackupLayout {
  return {
    conf: `${layout.configDir}/pgbackrest.conf`,
    restoreConf: `${layout.configDir}/pgbackrest-restore.conf`,
    seedConf: `${layout.configDir}/pgbackrest-seed.conf`,
    sshWrapper: `${layout.scriptsDir}/pgbackrest-ssh`,
    archiveHandover: `${layout.scriptsDir}/archive-handover`,
    spoolDir: `${layout.stateDir}/pgbackrest-spool`,
    lockDir: layout.runDir,
    logDir: layout.logDir,
    scratchRoot: `${layout.stateDir}/restore`,
  };
}

/** A stanza's directory in a repository: `<path>/<stanza>` on the repository host or in the bucket. */
export function stanzaRepositoryPath(repository: { readonly path: string }, stanza: string): string {
  return `${repository.path.replace(/\/+$/, "")}/${stanza}`;
}

/** The pair's repository directory on the repository host (local repositories). */
export function localRepositoryPath(spec: PairSpec): string {
  const repository = spec.backup?.repository;
  if (repository?.kind !== "local") throw new TypeError(`pair ${spec.name} has no local repository`);
  return stanzaRepositoryPath(repository, stanzaOf(spec));
}

/**
 * The pair's directories on its repository host that outlive its members' directories: the local
 * repository (a cloud repository lives in its bucket, not on a host). Removed with the pair, because
 * the repository is encrypted with the pair's cipher key, which goes with the pair's secrets.
 */
export function pairBackupRoots(spec: PairSpec): string[] {
  return spec.backup?.repository.kind === "local" ? [localRepositoryPath(spec)] : [];
}

/** The stanza is the pair's name: one stanza per pair and repository. */
export function stanzaOf(spec: PairSpec): string {
  return spec.name;
}
