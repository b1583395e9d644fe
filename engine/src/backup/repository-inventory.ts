// What a pair's repository holds and how far its archive reaches, read on the repository host (and
// the primary for the archiver), plus the restore target checked against it. Over any
// CommandTransport: the engine's SSH sessions or the agent's own host.
import {
  ARCHIVER_SQL,
  ArchiverState,
  type BackupInventory,
  backupInventory,
  checkRestoreTarget,
  type PointInTime,
  parseRepositoryInfo,
  type RepositoryInfo,
} from "@pgaas/common/wire";
import type { MemberCommands, SqlTarget } from "../member-commands.js";
import { backupLayout } from "./backup-layout.js";
import { checkCommand, infoCommand } from "./pgbackrest-commands.js";
import type { RestoreTarget } from "./scratch-commands.js";

export function repositoryConf(session: MemberCommands): string {
  return backupLayout(session.member.layout).conf;
}

export async function readRepositoryInfo(
  stanza: string,
  repository: MemberCommands,
): Promise<RepositoryInfo> {
  return parseRepositoryInfo(
    await repository.sh(infoCommand(repositoryConf(repository), stanza), "backup-info"),
    stanza,
  );
}

export async function readInventory(
  stanza: string,
  repository: MemberCommands,
  primary: SqlTarget | null,
): Promise<BackupInventory> {
  const info = await readRepositoryInfo(stanza, repository);
  const archiver = primary
    ? ArchiverState.parse(JSON.parse(await primary.sql(ARCHIVER_SQL, "archiver")))
    : null;
  return backupInventory(info, archiver);
}

/** `2026-12-06 07:01:02.345+00`: what recovery_target_time parses, in UTC. */
export function recoveryTime(date: Date): string {
  return `${date.toISOString().replace("T", " ").replace("Z", "")}+00`;
}

/**
 * Checks the target against the repository before anything is created (checkRestoreTarget: every
 * refusal names the restorable range). A time newer than the archive's end first pushes the current
 * WAL segment (pgbackrest check switches WAL and waits until it is in the repository).
 */
export async function resolveTarget(
  stanza: string,
  repository: MemberCommands,
  primary: SqlTarget | null,
  target: PointInTime,
  archiveNow: () => Promise<void> = async () => {
    await repository.sh(checkCommand(repositoryConf(repository), stanza), "archive-now", 120_000);
  },
): Promise<RestoreTarget> {
  const checked = checkRestoreTarget(await readInventory(stanza, repository, primary), target, new Date());
  if (checked.archiveFirst) await archiveNow();
  return {
    ...(checked.time ? { time: recoveryTime(checked.time) } : {}),
    ...(checked.set ? { set: checked.set } : {}),
  };
}
