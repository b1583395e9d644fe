// A real hot standby of a LocalPostgres: pg_basebackup -R over the Unix socket, started on its own port
// and socket directory, streaming as application_name `name`. Enough of a pair to exercise the probe's
// recovery branches and to time promotion → report, without repmgr.
import { execFile } from "node:child_process";
import { appendFile, chown, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { LocalPostgres } from "./local-postgres.js";
import { freePort } from "./throwaway-postgres.js";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";
const asPostgres = (bin: string, args: string[]) =>
  run("runuser", ["-u", "postgres", "--", join(BIN, bin), ...args], { cwd: "/tmp" });

export interface LocalStandby {
  readonly socketDir: string;
  readonly dataDir: string;
  readonly port: number;
  /** `pg_ctl promote -w`: resolves once the server left recovery. */
  promote(): Promise<void>;
  stop(): Promise<void>;
}

export async function startLocalStandby(primary: LocalPostgres, name: string): Promise<LocalStandby> {
  const root = await mkdtemp(join(tmpdir(), `pgaas-agent-${name}-`));
  const { stdout } = await run("id", ["-u", "postgres"]);
  const postgresUid = Number(stdout.trim());
  await chown(root, postgresUid, postgresUid);
  const dataDir = join(root, "data");
  const port = await freePort();
  const stop = async () => {
    await asPostgres("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => {});
    await rm(root, { recursive: true, force: true });
  };
  try {
    await asPostgres("pg_basebackup", [
      "-h",
      primary.socketDir,
      "-p",
      String(primary.port),
      "-U",
      "postgres",
      "-D",
      dataDir,
      "-R",
      "-X",
      "stream",
    ]);
    // Later lines win in postgresql.auto.conf: name the standby for pg_stat_replication.
    await appendFile(
      join(dataDir, "postgresql.auto.conf"),
      `primary_conninfo = 'host=${primary.socketDir} port=${primary.port} user=postgres application_name=${name}'\n`,
    );
    const options = [
      `-c port=${port}`,
      `-c unix_socket_directories=${root}`,
      "-c listen_addresses=''",
      "-c hot_standby=on",
      "-c max_connections=200",
      "-c wal_receiver_status_interval=1s",
    ].join(" ");
    await asPostgres("pg_ctl", [
      "-D",
      dataDir,
      "-l",
      join(root, "server.log"),
      "-o",
      options,
      "-w",
      "-t",
      "30",
      "start",
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    socketDir: root,
    dataDir,
    port,
    promote: async () => {
      await asPostgres("pg_ctl", ["-D", dataDir, "-w", "promote"]);
    },
    stop,
  };
}
