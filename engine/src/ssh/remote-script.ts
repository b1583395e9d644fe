// Pure builders for the shell text the SSH transport sends. Kept apart from the connection code so the
// exact command lines are unit-tested (quoting, env transport, timeout wrapping).
import { createHash } from "node:crypto";
import { type Secret, shellCommand, shellQuote } from "@pgaas/common";
import type { RemoteCommand } from "./session.js";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Seconds coreutils `timeout` waits after TERM before it sends KILL. */
export const KILL_AFTER_SECONDS = 2;

export function commandLine(command: RemoteCommand): string {
  return typeof command === "string" ? command : shellCommand(command);
}

/** `export K='v'` lines evaluated by the remote shell; they travel over stdin, never on a command line. */
export function envPreamble(env: Readonly<Record<string, string | Secret>>): Buffer {
  const lines = Object.keys(env)
    .sort()
    .map((name) => {
      if (!ENV_NAME.test(name)) throw new TypeError(`invalid environment variable name: ${name}`);
      const value = env[name] as string | Secret;
      return `export ${name}=${shellQuote(typeof value === "string" ? value : value.reveal())}\n`;
    });
  return Buffer.from(lines.join(""), "utf8");
}

export interface WrappedCommand {
  /** The exec request's command line. */
  readonly line: string;
  /** Bytes to write to the channel before closing it (env preamble, then the caller's stdin). */
  readonly input: Buffer;
}

/**
 * Wraps a command so the remote side enforces the time limit (TERM to the whole process group, KILL
 * 2 s later), reads env from stdin with `head -c` (which never reads past its count), and sees
 * /dev/null as stdin unless the caller gave some.
 */
export function wrapCommand(
  command: RemoteCommand,
  options: { timeoutMs: number; stdin?: string | Buffer; env?: Readonly<Record<string, string | Secret>> },
): WrappedCommand {
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const preamble = options.env && Object.keys(options.env).length > 0 ? envPreamble(options.env) : undefined;
  const stdin = options.stdin === undefined ? undefined : Buffer.from(options.stdin);
  const parts: string[] = [];
  if (preamble) parts.push(`eval "$(head -c ${preamble.length})" || exit 125`);
  if (preamble && !stdin) parts.push("exec </dev/null");
  parts.push(commandLine(command));
  const script = parts.join("\n");
  const timed = shellCommand([
    "timeout",
    "-k",
    String(KILL_AFTER_SECONDS),
    String(seconds),
    "sh",
    "-c",
    script,
  ]);
  const line = preamble || stdin ? timed : `${timed} </dev/null`;
  return { line, input: Buffer.concat([preamble ?? Buffer.alloc(0), stdin ?? Buffer.alloc(0)]) };
}

/** Exit code `timeout` uses when the limit hit (124) or KILL had to follow (128 + 9). */
export function isTimeoutExit(code: number): boolean {
  return code === 124 || code === 137;
}

export function sha256Hex(content: string | Buffer): string {
  return createHash("sha256").update(content).digest("hex");
}

// Positional parameters: $1 path, $2 octal mode, $3 owner ("" = keep), $4 group ("" = keep), $5 sha256.
// Same bytes → only mode/owner are corrected in place; otherwise temp file in the same directory +
// chmod/chown + mv -f, so readers see either the old or the new file, never a partial one.
const UPLOAD_SCRIPT = `set -e
p=$1 mode=$2 owner=$3 group=$4 want=$5
if [ -f "$p" ] && [ ! -L "$p" ]; then
  have=$(sha256sum < "$p")
  if [ "\${have%% *}" = "$want" ]; then
    cat >/dev/null
    fixed=0
    [ "$(stat -c %a "$p")" = "$mode" ] || { chmod "$mode" "$p"; fixed=1; }
    [ -z "$owner" ] || [ "$(stat -c %U "$p")" = "$owner" ] || { chown "$owner" "$p"; fixed=1; }
    [ -z "$group" ] || [ "$(stat -c %G "$p")" = "$group" ] || { chgrp "$group" "$p"; fixed=1; }
    if [ $fixed = 1 ]; then echo changed; else echo unchanged; fi
    exit 0
  fi
fi
tmp=$(mktemp "$(dirname "$p")/.pgaas-upload.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat >"$tmp"
chmod "$mode" "$tmp"
[ -z "$owner" ] || chown "$owner" "$tmp"
[ -z "$group" ] || chgrp "$group" "$tmp"
mv -f "$tmp" "$p"
trap - EXIT
echo changed`;

export function uploadCommand(
  path: string,
  content: string | Buffer,
  options: { mode: number; owner?: string; group?: string },
): readonly string[] {
  if (!path.startsWith("/")) throw new TypeError(`upload path must be absolute: ${path}`);
  if (!Number.isInteger(options.mode) || options.mode < 0 || options.mode > 0o7777) {
    throw new TypeError(`invalid file mode: ${options.mode}`);
  }
  return [
    "sh",
    "-c",
    UPLOAD_SCRIPT,
    "pgaas-upload",
    path,
    options.mode.toString(8),
    options.owner ?? "",
    options.group ?? "",
    sha256Hex(content),
  ];
}

/** Exit code `readFileCommand` uses for "no such file". */
export const MISSING_FILE_EXIT = 44;

export function readFileCommand(path: string): readonly string[] {
  return ["sh", "-c", `[ -e "$1" ] || exit ${MISSING_FILE_EXIT}; exec cat -- "$1"`, "pgaas-read", path];
}
