// pgBackRest command lines, always as the postgres OS user and always with the member's own config
// file. Every word is quoted by `asPostgres`; tests assert the exact text. The argv forms are what the
// agent (already the postgres user) runs on its node.
import type { BackupType } from "@pgaas/common/wire";
import { asPostgres } from "../commands/host-commands.js";
import { PGBACKREST_BIN } from "./backup-layout.js";

export type { BackupType } from "@pgaas/common/wire";

export function pgbackrestArgv(conf: string, stanza: string, args: readonly string[]): string[] {
  return [PGBACKREST_BIN, `--config=${conf}`, `--stanza=${stanza}`, ...args];
}

export function pgbackrestCommand(conf: string, stanza: string, args: readonly string[]): string {
  return asPostgres(pgbackrestArgv(conf, stanza, args));
}

export function backupArgv(conf: string, stanza: string, type: BackupType): string[] {
  return pgbackrestArgv(conf, stanza, [`--type=${type}`, "backup"]);
}

export function backupCommand(conf: string, stanza: string, type: BackupType): string {
  return asPostgres(backupArgv(conf, stanza, type));
}

export function infoArgv(conf: string, stanza: string): string[] {
  return pgbackrestArgv(conf, stanza, ["--output=json", "info"]);
}

/** Repository contents as JSON: backups with their times, sizes and WAL ranges. */
export function infoCommand(conf: string, stanza: string): string {
  return asPostgres(infoArgv(conf, stanza));
}

/** Creates the stanza; on an existing, matching stanza pgBackRest succeeds without change. */
export function stanzaCreateCommand(conf: string, stanza: string): string {
  return pgbackrestCommand(conf, stanza, ["stanza-create"]);
}

/** Switches WAL on the primary and waits until that segment is in the repository: archiving works end to end. */
export function checkCommand(conf: string, stanza: string): string {
  return pgbackrestCommand(conf, stanza, ["check"]);
}
