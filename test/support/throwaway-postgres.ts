// A real, disposable PostgreSQL 15 server for tests: initdb into a fresh directory, listen on
// 127.0.0.1 on a free port with scram-sha-256, stop and delete everything on `stop()`.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, chown, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const PG_BIN = "/usr/lib/postgresql/15/bin";

export interface ThrowawayPostgres {
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** Connection URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
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
  const { stdout } = await run("id", ["-u", "postgres"]);
  const { stdout: gid } = await run("id", ["-g", "postgres"]);
  return { uid: Number(stdout.trim()), gid: Number(gid.trim()) };
}

function asPostgres(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run("runuser", ["-u", "postgres", "--", join(PG_BIN, bin), ...args], { cwd: "/tmp" });
}

export async function startThrowawayPostgres(label = "pgaas-test"): Promise<ThrowawayPostgres> {
  const root = await mkdtemp(join(tmpdir(), `${label}-`));
  const { uid, gid } = await postgresIds();
  await chown(root, uid, gid);
  await chmod(root, 0o700);
  const dataDir = join(root, "data");
  const password = randomBytes(18).toString("base64url");
  const pwfile = join(root, "pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  await chown(pwfile, uid, gid);
  await asPostgres("initdb", [
    "-D",
    dataDir,
    "-U",
    "postgres",
    "--pwfile",
    pwfile,
    "--auth-local=peer",
    "--auth-host=scram-sha-256",
    "--encoding=UTF8",
    "--locale=C",
  ]);
  await rm(pwfile);
  const port = await freePort();
  const options = [
    `-c port=${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${root}`,
    "-c shared_buffers=16MB",
    "-c fsync=off",
    "-c max_connections=200",
  ].join(" ");
  await asPostgres("pg_ctl", ["-D", dataDir, "-l", join(root, "server.log"), "-o", options, "-w", "-t", "30", "start"]);
  const urlFor = (database: string) =>
    `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  let stopped = false;
  return {
    url: urlFor("postgres"),
    port,
    password,
    urlFor,
    async stop() {
      if (stopped) return;
      stopped = true;
      await asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "-t", "30", "stop"]).catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
