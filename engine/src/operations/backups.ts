// Backup operations usable without Pulumi or the control plane: list what the repository holds, take
// a backup now, and restore — a whole pair into a scratch instance, or one database as of a time into
// the pair's primary under a new name. Restores never touch the pair's own data directories.
import { ConflictError, InputError } from "@pgaas/common";
import type { BackupEntry, BackupInventory, PointInTime } from "@pgaas/common/wire";
import { backupLayout, stanzaOf } from "../backup/backup-layout.js";
import { BACKUP_TIMEOUT_MS, repositorySession } from "../backup/backup-steps.js";
import { type BackupType, backupCommand } from "../backup/pgbackrest-commands.js";
import {
  readInventory,
  readRepositoryInfo,
  repositoryConf,
  resolveTarget,
} from "../backup/repository-inventory.js";
import { scratchPaths } from "../backup/scratch-commands.js";
import { newScratch, removeScratchAt, startScratch } from "../backup/scratch-instance.js";
import type { PairHosts } from "../hosts.js";
import type { MemberSession } from "../member-session.js";
import { openPairSessions, type PairSessions } from "../pair-sessions.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";
import { describePointInTimeOn, type PointInTimeContents } from "./point-in-time.js";
import {
  type RestoreDatabaseRequest,
  type RestoreDatabaseResult,
  restoreDatabaseOn,
} from "./restore-database.js";

export type { PointInTime } from "@pgaas/common/wire";
export type { DatabaseAtTime, PointInTimeContents } from "./point-in-time.js";
export type { RestoreDatabaseRequest, RestoreDatabaseResult } from "./restore-database.js";

export interface BackupOptions {
  readonly sshPool?: SshPool;
}

export type BackupList = BackupInventory;

function requireBackups(spec: PairSpec) {
  if (!spec.backup) {
    throw new InputError(`pair ${spec.name} has no backups configured`, { code: "backups_not_configured" });
  }
}

async function withRepository<T>(
  spec: PairSpec,
  hosts: PairHosts,
  options: BackupOptions,
  work: (pair: PairSessions, repository: MemberSession, primary: MemberSession | null) => Promise<T>,
): Promise<T> {
  requireBackups(spec);
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    const primary = await findPrimary(pair);
    if (!primary && spec.backup?.repository.kind !== "local") {
      throw new ConflictError(`pair ${spec.name} has no primary to reach its repository`, {
        code: "no_primary",
      });
    }
    return await work(pair, repositorySession(spec, pair.witness, primary ?? pair.witness), primary);
  } finally {
    await pair.close();
  }
}

async function findPrimary(pair: PairSessions): Promise<MemberSession | null> {
  for (const node of pair.nodes) {
    const state = await node.state().catch(() => null);
    if (state && !state.inRecovery) return node;
  }
  return null;
}

export async function listBackups(spec: PairSpec, hosts: PairHosts, options: BackupOptions = {}) {
  return withRepository(spec, hosts, options, (_pair, repository, primary) =>
    readInventory(stanzaOf(spec), repository, primary),
  );
}

export async function takeBackup(
  spec: PairSpec,
  hosts: PairHosts,
  options: BackupOptions & { type?: BackupType } = {},
): Promise<BackupEntry> {
  return withRepository(spec, hosts, options, async (_pair, repository) => {
    const before = new Set(
      (await readRepositoryInfo(stanzaOf(spec), repository)).backups.map((b) => b.label),
    );
    await repository.sh(
      backupCommand(repositoryConf(repository), stanzaOf(spec), options.type ?? "full"),
      "backup",
      BACKUP_TIMEOUT_MS,
    );
    const made = (await readRepositoryInfo(stanzaOf(spec), repository)).backups.find(
      (b) => !before.has(b.label),
    );
    if (!made) throw new Error(`pgbackrest backup of ${spec.name} finished without a new backup`);
    return made;
  });
}

export interface ScratchInstance {
  readonly id: string;
  /** Host of the scratch instance (the repository host for a local repository). */
  readonly host: string;
  /** Unix socket directory; port 5432 names the socket file, nothing listens on TCP. */
  readonly socketDir: string;
  readonly dataDir: string;
}

/** Restores the whole pair as of a point in time into a running scratch instance; remove it with `removeScratch`. */
export async function restorePairToScratch(
  spec: PairSpec,
  hosts: PairHosts,
  target: PointInTime,
  options: BackupOptions = {},
): Promise<ScratchInstance> {
  return withRepository(spec, hosts, options, async (_pair, repository, primary) => {
    const resolved = await resolveTarget(stanzaOf(spec), repository, primary, target);
    const paths = newScratch(repository);
    try {
      await startScratch(repository, stanzaOf(spec), paths, resolved);
    } catch (error) {
      await removeScratchAt(repository, paths);
      throw error;
    }
    return { id: paths.id, host: repository.member.address, socketDir: paths.dir, dataDir: paths.dataDir };
  });
}

/**
 * What the whole pair held at a point in time (each database's owner, size and row estimate), from a
 * scratch instance on the repository host that is checked like a verified backup and then removed.
 */
export async function describePointInTime(
  spec: PairSpec,
  hosts: PairHosts,
  target: PointInTime,
  options: BackupOptions = {},
): Promise<PointInTimeContents> {
  return withRepository(spec, hosts, options, (_pair, repository, primary) =>
    describePointInTimeOn({ stanza: stanzaOf(spec), repository, primary }, target),
  );
}

export async function removeScratch(
  spec: PairSpec,
  hosts: PairHosts,
  id: string,
  options: BackupOptions = {},
) {
  return withRepository(spec, hosts, options, (_pair, repository) =>
    removeScratchAt(repository, scratchPaths(backupLayout(repository.member.layout).scratchRoot, id)),
  );
}

/** One database as of a point in time under a new name (restoreDatabaseOn), the scratch instance on the repository host. */
export async function restoreDatabase(
  spec: PairSpec,
  hosts: PairHosts,
  request: RestoreDatabaseRequest,
  options: BackupOptions = {},
): Promise<RestoreDatabaseResult> {
  return withRepository(spec, hosts, options, async (_pair, repository, primary) => {
    if (!primary) throw new ConflictError(`pair ${spec.name} has no primary`, { code: "no_primary" });
    return restoreDatabaseOn({ stanza: stanzaOf(spec), repository, primary }, request);
  });
}
