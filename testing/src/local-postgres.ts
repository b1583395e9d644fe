// A throwaway PostgreSQL the agent can reach the way it does on a node: over the Unix socket with peer
// authentication. Tests run as root, so a superuser role named after the OS user is created.
import { userInfo } from "node:os";
import { sqlIdent } from "@pgaas/common";
import pg from "pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "./throwaway-postgres.js";

export interface LocalPostgres {
  readonly server: ThrowawayPostgres;
  readonly socketDir: string;
  readonly dataDir: string;
  readonly port: number;
  /** The OS user running the tests, a superuser in this server (peer auth over the socket). */
  readonly user: string;
  /** Runs SQL as the postgres superuser over TCP. */
  sql(text: string): Promise<pg.QueryResultRow[]>;
  stop(): Promise<void>;
}

export async function startLocalPostgres(label = "pgaas-agent"): Promise<LocalPostgres> {
  const server = await startThrowawayPostgres(label);
  const sql = async (text: string) => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      return (await client.query(text)).rows;
    } finally {
      await client.end();
    }
  };
  const user = userInfo().username;
  if (user !== "postgres") await sql(`CREATE ROLE ${sqlIdent(user)} SUPERUSER LOGIN`);
  const [settings] = await sql(
    "SELECT current_setting('unix_socket_directories') AS socket_dir, current_setting('data_directory') AS data_dir",
  );
  return {
    server,
    socketDir: String(settings?.socket_dir).split(",")[0]?.trim() ?? "",
    dataDir: String(settings?.data_dir),
    port: server.port,
    user,
    sql,
    stop: () => server.stop(),
  };
}
