// The contract every engine step uses to act on a host. `connectSsh` returns one; tests may provide
// another implementation (e.g. recording commands) as long as it honours these semantics.
import type { Secret } from "@pgaas/common";
import type { SshTarget } from "./target.js";

/**
 * A command: an argv (each word quoted with `shellCommand` before sending), or a full shell command
 * line that the caller built with `shellCommand`/`shellQuote` from `@pgaas/common` (use this form
 * for pipes, redirections and `&&`).
 */
export type RemoteCommand = readonly string[] | string;

export interface RunOptions {
  /** Names the step in errors and logs, e.g. "primary.initdb". */
  readonly step: string;
  /**
   * Wall-clock limit. The remote command runs under coreutils `timeout` (TERM, then KILL 2 s later,
   * to its whole process group) and the channel is closed if no exit arrives shortly after.
   * Default 60 000.
   */
  readonly timeoutMs?: number;
  /** Bytes fed to the command's stdin. Without it stdin is /dev/null, so a command that reads
   * stdin cannot swallow the rest of a script. */
  readonly stdin?: string | Buffer;
  /**
   * Environment for the command. Values travel inside the channel's stdin stream (never on a
   * command line), so secrets do not show in `ps` on the host.
   */
  readonly env?: Readonly<Record<string, string | Secret>>;
}

export interface RunResult {
  readonly stdout: string;
  readonly stderr: string;
  /** Exit status; 128 + n when killed by signal n. */
  readonly code: number;
}

export interface UploadOptions {
  readonly step: string;
  /** File mode, e.g. 0o640. Applied on every write and corrected when only the mode differs. */
  readonly mode: number;
  /** Owner user name; default: unchanged (the SSH user for a new file). */
  readonly owner?: string;
  /** Owner group name; default: unchanged. */
  readonly group?: string;
  readonly timeoutMs?: number;
}

export interface UploadResult {
  /** True when bytes, mode or ownership had to change; false when the file already matched. */
  readonly changed: boolean;
}

export interface SshSession {
  readonly target: SshTarget;
  /**
   * The host key the server presented, as an OpenSSH public key line ("ssh-ed25519 AAAA…"): the
   * pinned one when the target pins it. Peers' known_hosts are written from it.
   */
  readonly hostKey: string;
  /** Runs a command and returns its output and exit code, whatever the code. */
  run(command: RemoteCommand, options: RunOptions): Promise<RunResult>;
  /** Like `run`, but a non-zero exit throws `SshCommandError` (exit code + stderr tail). */
  runChecked(command: RemoteCommand, options: RunOptions): Promise<RunResult>;
  /**
   * Writes a file atomically: a temp file in the same directory, chmod/chown, then `mv -f`. The
   * existing file's sha256, mode and owner are compared first; nothing is written when they match.
   * The parent directory must exist.
   */
  upload(path: string, content: string | Buffer, options: UploadOptions): Promise<UploadResult>;
  /** The file's content as UTF-8, or null when it does not exist. */
  readFile(path: string, options?: { readonly step?: string }): Promise<string | null>;
  /** False once closed or after the connection dropped. */
  isOpen(): boolean;
  /** Closes the connection; further calls fail with `SshDisconnectedError`. Idempotent. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** TCP connect + handshake + auth limit. Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** SSH keepalive interval; the connection is dropped after 3 missed. Default 5 000. */
  readonly keepaliveIntervalMs?: number;
}
