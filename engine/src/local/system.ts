// Running local commands (ip, ssh-keygen, sshd) with a time limit, and the preflight checks that turn
// "not root" or "no sshd" into clear errors before anything is created.
import { execFile } from "node:child_process";
import { access, constants } from "node:fs/promises";
import { IP_BIN } from "../layout.js";
import { LocalDriverError } from "./errors.js";

export interface LocalResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly code: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs argv (no shell) and returns its output and exit code; never throws for a non-zero exit. */
export function runLocal(
  argv: readonly string[],
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<LocalResult> {
  const [file, ...args] = argv;
  if (file === undefined) throw new TypeError("empty command");
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== "number") {
          if (error.killed) resolve({ stdout, stderr: `${stderr}\ntimed out`, code: 124 });
          else reject(new LocalDriverError("command_failed", `${file}: ${error.message}`, { cause: error }));
          return;
        }
        resolve({ stdout, stderr, code: typeof error?.code === "number" ? error.code : 0 });
      },
    );
    // A command that exits without reading its stdin closes the pipe: that is not an error here.
    child.stdin?.on("error", () => undefined);
    child.stdin?.end(options.stdin ?? "");
  });
}

/** Like runLocal, but a non-zero exit throws LocalDriverError("command_failed") with the stderr tail. */
export async function runLocalChecked(
  argv: readonly string[],
  options: { timeoutMs?: number; stdin?: string } = {},
): Promise<LocalResult> {
  const result = await runLocal(argv, options);
  if (result.code !== 0) {
    throw new LocalDriverError(
      "command_failed",
      `${argv.join(" ")} exited ${result.code}: ${result.stderr.trim().slice(-1024)}`,
      { details: { argv, code: result.code } },
    );
  }
  return result;
}

export const TOOLS = {
  ip: IP_BIN,
  sshd: "/usr/sbin/sshd",
  sshKeygen: "/usr/bin/ssh-keygen",
} as const;

/** Root and the tools the driver needs, or a LocalDriverError that says what to do. */
export async function preflight(): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new LocalDriverError(
      "needs_root",
      "the local host driver creates network namespaces and needs root on Linux (run as root, e.g. sudo)",
    );
  }
  for (const [name, path] of Object.entries(TOOLS)) {
    try {
      await access(path, constants.X_OK);
    } catch {
      throw new LocalDriverError(
        "missing_tool",
        `${path} (${name}) is missing: install iproute2 and openssh-server (scripts/install-os-packages.sh)`,
      );
    }
  }
}
