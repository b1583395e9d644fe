// A scratch instance's life on one host: restored from the repository into its own directory,
// started on a unix socket only, waited for until recovery reached the target and promoted, removed.
// Runs over any CommandTransport: the engine's SSH session or the agent's own host.
import { randomBytes } from "node:crypto";
import { ConflictError, shellCommand } from "@pgaas/common";
import { asPostgres } from "../commands/host-commands.js";
import { PG_BIN_DIR } from "../layout.js";
import type { MemberCommands } from "../member-commands.js";
import { backupLayout } from "./backup-layout.js";
import {
  type RestoreTarget,
  restoreCommand,
  type ScratchPaths,
  scratchPaths,
  scratchPsqlCommand,
  scratchRemoveCommand,
  scratchStartCommand,
} from "./scratch-commands.js";

const RESTORE_TIMEOUT_MS = 3_600_000;
const PROMOTE_WAIT_MS = 600_000;

export type Scratch = ScratchPaths & { readonly id: string };

export function newScratch(host: MemberCommands): Scratch {
  const id = `r-${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  return { id, ...scratchPaths(backupLayout(host.member.layout).scratchRoot, id) };
}

/** The witness restores with its repository-only config; a node with its own (it reaches the repository). */
function restoreConfOf(host: MemberCommands): string {
  const layout = backupLayout(host.member.layout);
  return host.member.kind === "witness" ? layout.restoreConf : layout.conf;
}

/** Restores into `paths` and starts it; waits until recovery reached the target and promoted. */
export async function startScratch(
  host: MemberCommands,
  stanza: string,
  paths: ScratchPaths,
  target: RestoreTarget,
): Promise<void> {
  await host.sh(restoreCommand(restoreConfOf(host), stanza, paths, target), "restore", RESTORE_TIMEOUT_MS);
  try {
    await host.sh(scratchStartCommand(paths), "scratch-start", PROMOTE_WAIT_MS);
  } catch {
    await failWithLog(host, stanza, paths, "could not start the restored instance");
  }
  const started = Date.now();
  const status = asPostgres([`${PG_BIN_DIR}/pg_ctl`, "-D", paths.dataDir, "status"]);
  for (let attempt = 0; attempt < 1200; attempt += 1) {
    // Both probes exit 0 whatever they find: a refused connection is an answer here, not an error.
    const promoted = await host.transport.runChecked(`(${scratchPsqlCommand(paths)}) 2>/dev/null || true`, {
      step: `${host.name}.scratch-recovery`,
      stdin: "SELECT pg_is_in_recovery();\n",
      timeoutMs: 30_000,
    });
    if (promoted.stdout.trim() === "f") return;
    const running = await host.sh(
      `if ${status} >/dev/null 2>&1; then echo up; else echo down; fi`,
      "scratch-status",
    );
    if (running.trim() !== "up") await failWithLog(host, stanza, paths, "recovery stopped");
    if (Date.now() - started > PROMOTE_WAIT_MS) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new ConflictError(`restore of ${stanza} did not finish recovery in ${PROMOTE_WAIT_MS / 1000} s`, {
    code: "restore_timeout",
  });
}

/** The restored instance's own last log lines say why (a missing WAL segment, a bad setting). */
async function failWithLog(
  host: MemberCommands,
  stanza: string,
  paths: ScratchPaths,
  what: string,
): Promise<never> {
  return failWithLogTail(host, paths.log, `restore of ${stanza}: ${what}`);
}

/** Fails a restore with the last lines of PostgreSQL's log on `host`, which say why recovery stopped. */
export async function failWithLogTail(
  host: MemberCommands,
  log: string,
  what: string,
  cause?: unknown,
): Promise<never> {
  const tail = await host
    .sh(`${shellCommand(["tail", "-n", "5", log])} || true`, "restore-log")
    .catch(() => "");
  throw new ConflictError(`${what}: ${tail.trim()}`, { code: "restore_failed", cause });
}

export async function removeScratchAt(host: MemberCommands, paths: ScratchPaths): Promise<void> {
  await host.sh(scratchRemoveCommand(paths), "scratch-remove", 120_000);
}
