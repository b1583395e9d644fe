// One sshd per lab host, started inside the host's namespace and found again by its pidfile.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { LocalDriverError } from "./errors.js";
import { ensureKeyPair, publicKeyFingerprint } from "./lab-keys.js";
import { type PlannedHost, SSH_PORT } from "./lab-plan.js";
import { renderSshdConfig } from "./sshd-config.js";
import { runLocal, TOOLS } from "./system.js";

export interface HostFiles {
  readonly dir: string;
  readonly config: string;
  readonly hostKey: string;
  readonly pidFile: string;
  readonly log: string;
}

export function hostFiles(stateDir: string, host: string): HostFiles {
  const dir = join(stateDir, "hosts", host);
  return {
    dir,
    config: join(dir, "sshd_config"),
    hostKey: join(dir, "ssh_host_ed25519_key"),
    pidFile: join(dir, "sshd.pid"),
    log: join(dir, "sshd.log"),
  };
}

async function readPid(pidFile: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** True when `pid` is alive (not a zombie) and lives in `namespace`. */
async function runsIn(pid: number, namespace: string): Promise<boolean> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    if (/\) [ZX] /.test(stat)) return false;
  } catch {
    return false;
  }
  const { stdout } = await runLocal([TOOLS.ip, "netns", "identify", String(pid)]);
  return stdout.trim() === namespace;
}

async function tcpOpen(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.once("connect", () => done(true));
    socket.once("timeout", () => done(false));
    socket.once("error", () => done(false));
  });
}

const READY_ATTEMPTS = 50;

/** Waits (bounded: 50 × ≤ 100 ms) until the host's sshd accepts TCP from the host side. */
export async function waitForSshd(host: PlannedHost): Promise<void> {
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt += 1) {
    if (await tcpOpen(host.address, SSH_PORT, 500)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new LocalDriverError(
    "sshd_failed",
    `${host.name}: sshd does not accept connections on ${host.address}:22`,
  );
}

async function stopSshd(pid: number, namespace: string): Promise<void> {
  process.kill(pid, "SIGTERM");
  for (let attempt = 0; attempt < READY_ATTEMPTS && (await runsIn(pid, namespace)); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface RunningSshd {
  readonly pid: number;
  readonly hostKeySha256: string;
}

/** Starts sshd in the host's namespace unless it runs there already with the same config. */
export async function ensureSshd(
  stateDir: string,
  host: PlannedHost,
  authorizedKeysFile: string,
): Promise<RunningSshd> {
  const files = hostFiles(stateDir, host.name);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await mkdir("/run/sshd", { recursive: true, mode: 0o755 });
  await ensureKeyPair(files.hostKey, `pgaas-lab-${host.name}`);
  const config = renderSshdConfig({
    listenAddress: host.address,
    port: SSH_PORT,
    hostKeyPath: files.hostKey,
    pidFile: files.pidFile,
    rootAuthorizedKeysFile: authorizedKeysFile,
  });
  const previous = await readFile(files.config, "utf8").catch(() => undefined);
  const hostKeySha256 = await publicKeyFingerprint(`${files.hostKey}.pub`);
  const runningPid = await readPid(files.pidFile);
  const running = runningPid !== undefined && (await runsIn(runningPid, host.namespace));
  if (running && previous === config) return { pid: runningPid, hostKeySha256 };
  if (running) await stopSshd(runningPid, host.namespace);
  await writeFile(files.config, config, { mode: 0o600 });
  const started = await runLocal(
    [TOOLS.ip, "netns", "exec", host.namespace, TOOLS.sshd, "-f", files.config, "-E", files.log],
    {
      timeoutMs: 10_000,
    },
  );
  if (started.code !== 0) {
    throw new LocalDriverError("sshd_failed", `${host.name}: sshd did not start: ${started.stderr.trim()}`);
  }
  for (let attempt = 0; attempt < READY_ATTEMPTS; attempt += 1) {
    const pid = await readPid(files.pidFile);
    if (pid !== undefined && pid !== runningPid && (await runsIn(pid, host.namespace)))
      return { pid, hostKeySha256 };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = await readFile(files.log, "utf8").catch(() => "");
  throw new LocalDriverError(
    "sshd_failed",
    `${host.name}: sshd wrote no live pid: ${log.trim().slice(-1024)}`,
  );
}
