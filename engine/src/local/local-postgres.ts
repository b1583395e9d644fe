// A PostgreSQL 15 server owned by this machine's `postgres` user, listening on 127.0.0.1 with
// scram-sha-256 and a private socket directory. Used for the control plane's store by `npm start`
// and for throwaway test servers; the data directory is the caller's.

import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, chown, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { promisify } from "node:util";
import { POSTGRES_BIN_DIR } from "@pgaas/common/wire";

const run = promisify(execFile);

export interface LocalPostgresOptions {
  /** Directory owned by postgres that holds data/, the socket and the server log. */
  readonly root: string;
  readonly port: number;
  /** Extra `-c name=value` settings (e.g. fsync=off for throwaway servers). */
  readonly settings?: Readonly<Record<string, string>>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function asPostgres(bin: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  // cd to a directory postgres can read: its tools fail in an unreadable working directory
  return run("runuser", ["-u", "postgres", "--", join(POSTGRES_BIN_DIR, bin), ...args], { cwd: "/tmp" });
}

const dataDir = (options: LocalPostgresOptions) => join(options.root, "data");

/** Fails clearly when the postgres user cannot traverse to `dir` (e.g. a checkout under /root). */
export async function assertPostgresCanReach(dir: string): Promise<void> {
  try {
    await run("runuser", ["-u", "postgres", "--", "test", "-x", dir], { cwd: "/tmp" });
  } catch {
    throw new Error(
      `the postgres user cannot reach ${dir} (a parent directory is not searchable by others): ` +
        "point PGAAS_STATE_DIR at a directory whose parents others may search, like /var/lib/pgaas-stack",
    );
  }
}

/** Creates the cluster once (superuser `postgres` with `password`); a no-op when it exists. */
export async function initLocalPostgres(options: LocalPostgresOptions, password: string): Promise<boolean> {
  if (existsSync(join(dataDir(options), "PG_VERSION"))) return false;
  const { uid, gid } = await postgresIds();
  await mkdir(options.root, { recursive: true, mode: 0o700 });
  await chown(options.root, uid, gid);
  await chmod(options.root, 0o700);
  await rm(dataDir(options), { recursive: true, force: true });
  const pwfile = join(options.root, ".pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await chown(pwfile, uid, gid);
  try {
    await asPostgres("initdb", [
      "-D",
      dataDir(options),
      "-U",
      "postgres",
      "--pwfile",
      pwfile,
      "--auth-local=peer",
      "--auth-host=scram-sha-256",
      "--encoding=UTF8",
      "--locale=C",
    ]);
  } finally {
    await rm(pwfile, { force: true });
  }
  return true;
}

export async function localPostgresRunning(options: LocalPostgresOptions): Promise<boolean> {
  try {
    await asPostgres("pg_ctl", ["-D", dataDir(options), "status"]);
    return true;
  } catch {
    return false;
  }
}

/** Starts the server unless it runs already; returns true when it was started. */
export async function startLocalPostgres(options: LocalPostgresOptions): Promise<boolean> {
  if (await localPostgresRunning(options)) return false;
  const settings: Record<string, string> = {
    port: String(options.port),
    listen_addresses: "127.0.0.1",
    unix_socket_directories: options.root,
    max_connections: "200",
    ...options.settings,
  };
  const flags = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value}`)
    .join(" ");
  await asPostgres("pg_ctl", [
    "-D",
    dataDir(options),
    "-l",
    join(options.root, "server.log"),
    "-o",
    flags,
    "-w",
    "-t",
    "60",
    "start",
  ]);
  return true;
}

export async function stopLocalPostgres(
  options: LocalPostgresOptions,
  mode: "fast" | "immediate" = "fast",
): Promise<void> {
  if (!(await localPostgresRunning(options))) return;
  await asPostgres("pg_ctl", ["-D", dataDir(options), "-m", mode, "-w", "-t", "60", "stop"]);
}

export function localPostgresUrl(port: number, password: string, database = "postgres"): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
