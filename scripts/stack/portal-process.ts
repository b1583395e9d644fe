// The control plane as a long-running process of its own (so `npm start` can return), run from its
// build (`npm run build`) as it would be deployed, with its configuration in the environment, tracked
// by a PID file and stopped by that PID only.
import { spawn } from "node:child_process";
import { existsSync, openSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const SERVER_MAIN = fileURLToPath(new URL("../../portal/dist/server/main.js", import.meta.url));
const HEALTH_ATTEMPTS = 120;
const HEALTH_DELAY_MS = 250;

export interface PortalProcessOptions {
  readonly pidFile: string;
  readonly logFile: string;
  /** PGAAS_* and DATABASE_URL variables for the server (see portal/server/src/config.ts). */
  readonly env: Readonly<Record<string, string>>;
  readonly healthUrl: string;
  /** fetch for the health check (one that trusts the local CA). */
  readonly fetch: typeof fetch;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function recordedPid(pidFile: string): Promise<number | undefined> {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number((await readFile(pidFile, "utf8")).trim());
  return Number.isInteger(pid) && pid > 0 && alive(pid) ? pid : undefined;
}

async function healthy(url: string, fetch: typeof globalThis.fetch): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts the portal unless a healthy one from the same PID file runs; resolves once /healthz answers. */
export async function ensurePortal(
  options: PortalProcessOptions,
): Promise<{ started: boolean; pid: number }> {
  const running = await recordedPid(options.pidFile);
  if (running !== undefined && (await healthy(options.healthUrl, options.fetch)))
    return { started: false, pid: running };
  if (running !== undefined) await stopPortal(options.pidFile);
  if (!existsSync(SERVER_MAIN)) {
    throw new Error(`the control plane is not built (${SERVER_MAIN} is missing): run \`npm run build\``);
  }
  const log = openSync(options.logFile, "a", 0o600);
  const child = spawn(process.execPath, [SERVER_MAIN], {
    detached: true,
    stdio: ["ignore", log, log],
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...options.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error("the portal process did not start");
  child.unref();
  await writeFile(options.pidFile, `${pid}\n`, { mode: 0o644 });
  for (let attempt = 0; attempt < HEALTH_ATTEMPTS; attempt += 1) {
    if (await healthy(options.healthUrl, options.fetch)) return { started: true, pid };
    if (!alive(pid)) break;
    await new Promise((resolve) => setTimeout(resolve, HEALTH_DELAY_MS));
  }
  const tail = (await readFile(options.logFile, "utf8").catch(() => "")).split("\n").slice(-15).join("\n");
  await stopPortal(options.pidFile);
  throw new Error(`the portal did not become healthy at ${options.healthUrl}; last log lines:\n${tail}`);
}

/** Stops the recorded portal process (SIGTERM, then SIGKILL after 10 s) and removes the PID file. */
export async function stopPortal(pidFile: string): Promise<boolean> {
  const pid = await recordedPid(pidFile);
  if (pid !== undefined) {
    process.kill(pid, "SIGTERM");
    for (let waited = 0; waited < 40 && alive(pid); waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (alive(pid)) process.kill(pid, "SIGKILL");
  }
  await rm(pidFile, { force: true });
  return pid !== undefined;
}
