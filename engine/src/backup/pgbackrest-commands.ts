// pgBackRest command lines, always as the postgres OS user and always with the member's own config
// file. Every word is quoted by `asPostgres`; tests assert the exact text.
import { asPostgres } from "../commands/host-commands.js";
import { PGBACKREST_BIN } from "./backup-layout.js";

export function pgbackrestCommand(conf: string, stanza: string, args: readonly string[]): string {
  return asPostgres([PGBACKREST_BIN, `--config=${conf}`, `--stanza=${stanza}`, ...args]);
}

export type BackupType = "full" | "diff" | "incr";

export function backupCommand(conf: string, stanza: string, type: BackupType): string {
  return pgbackrestCommand(conf, stanza, [`--type=${type}`, "backup"]);
}

/** Repository contents as JSON: backups with their times, sizes and WAL ranges. */
export function infoCommand(conf: string, stanza: string): string {
  return pgbackrestCommand(conf, stanza, ["--output=json", "info"]);
}

/** Creates the stanza; on an existing, matching stanza pgBackRest succeeds without change. */
export function stanzaCreateCommand(conf: string, stanza: string): string {
  return pgbackrestCommand(conf, stanza, ["stanza-create"]);
}

/** Switches WAL on the primary and waits until that segment is in the repository: archiving works end to end. */
export function checkCommand(conf: string, stanza: string): string {
  return pgbackrestCommand(conf, stanza, ["check"]);
}
