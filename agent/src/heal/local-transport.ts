// Runs the engine's command lines on this host, with the contract of the engine's SSH session: a
// non-zero exit throws SshCommandError, a timeout kills the command's process group and throws
// SshTimeoutError. The agent holds no SSH keys; this is how it acts on its own node.
//
// The engine wraps postgres-side commands in `runuser -u postgres --`, which only root may run; the
// agent runs as postgres itself. A shell function makes `runuser` to the current user a plain exec
// (anything else still goes to the real runuser and fails as it should). It is exported, so a bash the
// command starts itself (the restore's `bash -o pipefail -c` copy pipeline) has it too.
import { spawn } from "node:child_process";
import { Secret, shellCommand } from "@pgaas/common";
import {
  type CommandTransport,
  type RemoteCommand,
  type RunOptions,
  type RunResult,
  SshCommandError,
  SshTimeoutError,
} from "@pgaas/engine/self-heal";

const DEFAULT_TIMEOUT_MS = 60_000;
const SAME_USER_RUNUSER =
  'runuser() { if [ "$1" = -u ] && [ "$2" = "$(id -un)" ] && [ "$3" = -- ]; then shift 3; "$@"; else command runuser "$@"; fi; }; export -f runuser';
/** Output kept per stream: enough for any error message, bounded for a chatty command. */
const MAX_OUTPUT = 1024 * 1024;

export function localTransport(hostLabel: string): CommandTransport {
  return {
    async runChecked(command: RemoteCommand, options: RunOptions): Promise<RunResult> {
      const result = await runLocal(hostLabel, command, options);
      if (result.code !== 0) {
        throw new SshCommandError(
          { host: hostLabel, step: options.step },
          result.code,
          result.stderr,
          result.stdout,
        );
      }
      return result;
    },
  };
}

function runLocal(hostLabel: string, command: RemoteCommand, options: RunOptions): Promise<RunResult> {
  const line = `${SAME_USER_RUNUSER}
${typeof command === "string" ? command : shellCommand(command)}`;
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    env[name] = value instanceof Secret ? value.reveal() : value;
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout ends the command and everything it started.
    const child = spawn("bash", ["-c", line], { env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString("utf8")).slice(-MAX_OUTPUT);
    });
    const kill = (signal: NodeJS.Signals): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 2000).unref();
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new SshTimeoutError({ host: hostLabel, step: options.step }, timeoutMs));
        return;
      }
      resolve({ stdout, stderr, code: code ?? 128 + signalNumber(signal) });
    });
    child.stdin.on("error", () => {
      // The command may exit without reading its stdin.
    });
    child.stdin.end(options.stdin ?? "");
  });
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === "SIGKILL" ? 9 : signal === "SIGTERM" ? 15 : 0;
}
