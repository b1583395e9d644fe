// Typed SSH failures. Each names the host (target label) and the step that was running, so an
// operator reading "n2: standby.clone: command failed (exit 1): …" knows where to look.
import { PgaasError } from "@pgaas/common";

export interface SshErrorContext {
  /** The host's label (SshTarget.label). */
  readonly host: string;
  /** What the engine was doing, e.g. "connect", "primary.initdb", "upload /etc/keepalived/keepalived.conf". */
  readonly step: string;
  readonly cause?: unknown;
}

export abstract class SshError extends PgaasError {
  readonly host: string;
  readonly step: string;
  constructor(context: SshErrorContext, what: string, details?: Record<string, unknown>) {
    super(`${context.host}: ${context.step}: ${what}`, {
      cause: context.cause,
      details: { host: context.host, step: context.step, ...details },
    });
    this.host = context.host;
    this.step = context.step;
  }
}

/** TCP connect refused, no route, or the SSH handshake did not finish in time. Retry later. */
export class SshUnreachableError extends SshError {
  readonly code = "ssh_unreachable";
  constructor(context: SshErrorContext, reason: string) {
    super(context, `host unreachable (${reason})`, { reason });
  }
}

/** The server refused our key (or the user). Retrying does not help. */
export class SshAuthError extends SshError {
  readonly code = "ssh_auth_failed";
  constructor(context: SshErrorContext) {
    super(context, "authentication failed");
  }
}

/** The server presented a host key other than the pinned one. */
export class SshHostKeyError extends SshError {
  readonly code = "ssh_host_key_mismatch";
  readonly expected: string;
  readonly actual: string;
  constructor(context: SshErrorContext, expected: string, actual: string) {
    super(context, `host key mismatch (expected SHA256:${expected}, got SHA256:${actual})`, {
      expected,
      actual,
    });
    this.expected = expected;
    this.actual = actual;
  }
}

/** A command ran longer than its timeout; the remote process group was killed (or the channel closed). */
export class SshTimeoutError extends SshError {
  readonly code = "ssh_timeout";
  readonly timeoutMs: number;
  constructor(context: SshErrorContext, timeoutMs: number) {
    super(context, `timed out after ${timeoutMs} ms`, { timeoutMs });
    this.timeoutMs = timeoutMs;
  }
}

/** A command exited non-zero (or was killed by a signal, reported as 128 + n). */
export class SshCommandError extends SshError {
  readonly code = "ssh_command_failed";
  readonly exitCode: number;
  /** The last ~2 KB of stderr. */
  readonly stderrTail: string;
  readonly stdout: string;
  constructor(context: SshErrorContext, exitCode: number, stderr: string, stdout: string) {
    const tail = tailOf(stderr);
    super(context, `command failed (exit ${exitCode})${tail ? `: ${tail.trim()}` : ""}`, { exitCode });
    this.exitCode = exitCode;
    this.stderrTail = tail;
    this.stdout = stdout;
  }
}

/** The connection dropped while a command or transfer was in flight. */
export class SshDisconnectedError extends SshError {
  readonly code = "ssh_disconnected";
  constructor(context: SshErrorContext) {
    super(context, "connection lost");
  }
}

const STDERR_TAIL_BYTES = 2048;

function tailOf(text: string): string {
  return text.length <= STDERR_TAIL_BYTES ? text : `…${text.slice(-STDERR_TAIL_BYTES)}`;
}
