// What the agent needs from pgBackRest: the inventory (what the repository holds and how far the
// archive reaches) and "take a backup now". The command lines come rendered from the engine in the
// agent's config; this file only runs them. Contract: inventory() throws when the repository or the
// local server cannot be asked (the caller reports without an inventory); take() never throws.
import { execFile } from "node:child_process";
import type { CommandOutput } from "@pgaas/common";
import {
  type AgentConfig,
  ARCHIVER_SQL,
  ArchiverState,
  type BackupInventory,
  type BackupType,
  backupInventory,
  parseRepositoryInfo,
} from "@pgaas/common/wire";
import type { PgConnection } from "../postgres/pg-connection.js";

export interface BackupRepository {
  /** Needs the primary (pg_stat_archiver is only meaningful there). */
  inventory(): Promise<BackupInventory>;
  take(type: BackupType): Promise<CommandOutput>;
}

const INFO_TIMEOUT_MS = 60_000;
/** A large full backup takes long; the command's result waits for it. */
const BACKUP_TIMEOUT_MS = 3_600_000;

export function systemBackupRepository(
  config: NonNullable<AgentConfig["backup"]>,
  pg: PgConnection,
): BackupRepository {
  return {
    async inventory() {
      const info = await run(config.infoArgv, INFO_TIMEOUT_MS);
      if (info.exitCode !== 0) throw new Error(`pgbackrest info exited ${info.exitCode}: ${info.output}`);
      const [row] = await pg.query<{ json_build_object: unknown }>(ARCHIVER_SQL);
      return {
        ...backupInventory(
          parseRepositoryInfo(info.stdout, config.stanza),
          ArchiverState.parse(row?.json_build_object),
        ),
        schedule: config.schedule,
        ...(config.retention ? { retention: config.retention } : {}),
      };
    },
    async take(type) {
      const { exitCode, output } = await run(config.backupArgv[type], BACKUP_TIMEOUT_MS);
      return { exitCode, output };
    },
  };
}

function run(argv: readonly string[], timeoutMs: number): Promise<CommandOutput & { stdout: string }> {
  const [binary, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      binary ?? "",
      args,
      { cwd: "/tmp", timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ exitCode, stdout, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}
