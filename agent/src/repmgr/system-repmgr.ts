// Repmgr over the real system: status from the repmgr extension, switchover by running the binary.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { STANDBY_STREAMS_SQL, standbySwitchover } from "@pgaas/common";
import { PgConnection, type PgConnectionOptions } from "../postgres/pg-connection.js";
import type { CommandOutput, Repmgr, RepmgrStatus } from "./repmgr.js";
import { parseRepmgrConf } from "./repmgr-conf.js";
import { REPMGR_EXTENSION_SQL, REPMGR_NODE_SQL, REPMGR_PRIMARY_SQL } from "./repmgr-sql.js";

export interface SystemRepmgrOptions {
  readonly binary: string;
  readonly configFile: string;
  /** How to reach the local server; the database is taken from repmgr.conf's conninfo. */
  readonly connection: Omit<PgConnectionOptions, "database">;
  /** A switchover waits for the old primary to restart as a standby: give it minutes, not seconds. */
  readonly switchoverTimeoutMs: number;
}

interface NodeRow {
  active: boolean;
  upstream_node: string | null;
  repmgrd_running: boolean | null;
  repmgrd_paused: boolean | null;
}

export class SystemRepmgr implements Repmgr {
  readonly #options: SystemRepmgrOptions;
  #connection: { database: string; pg: PgConnection } | null = null;

  constructor(options: SystemRepmgrOptions) {
    this.#options = options;
  }

  async readStatus(): Promise<RepmgrStatus> {
    const conf = await readFile(this.#options.configFile, "utf8").catch(() => null);
    if (conf === null) return { nodeId: null, status: "unregistered", upstreamNode: null };
    const { nodeId, database } = parseRepmgrConf(conf);
    const pg = await this.#connectionTo(database);
    const [extension] = await pg.query<{ installed: boolean }>(REPMGR_EXTENSION_SQL);
    if (!extension?.installed || nodeId === null)
      return { nodeId, status: "unregistered", upstreamNode: null };
    const [node] = await pg.query<NodeRow>(REPMGR_NODE_SQL, [nodeId]);
    if (!node) return { nodeId, status: "unregistered", upstreamNode: null };
    return { nodeId, status: summarise(node), upstreamNode: node.upstream_node };
  }

  async standbySwitchover(): Promise<CommandOutput> {
    const { binary, configFile } = this.#options;
    const conf = await readFile(configFile, "utf8");
    const pg = await this.#connectionTo(parseRepmgrConf(conf).database);
    const [primary] = await pg.query<{ node_name: string; config_file: string }>(REPMGR_PRIMARY_SQL);
    if (!primary) return { exitCode: 1, output: "repmgr has no active primary registered" };
    return standbySwitchover(
      {
        sql: async (statements) => {
          for (const statement of statements) await pg.query(statement);
        },
        repmgr: (args, timeoutMs) => run([binary, "-f", configFile, ...args], timeoutMs),
        demotedStreams: async () => {
          const [row] = await pg.query<{ streams: boolean }>(`${STANDBY_STREAMS_SQL} AS streams`);
          return row?.streams === true;
        },
      },
      { timeoutMs: this.#options.switchoverTimeoutMs, remoteConfigFile: primary.config_file },
    );
  }

  async close(): Promise<void> {
    await this.#connection?.pg.close();
    this.#connection = null;
  }

  async #connectionTo(database: string): Promise<PgConnection> {
    if (this.#connection?.database !== database) {
      await this.#connection?.pg.close();
      this.#connection = { database, pg: new PgConnection({ ...this.#options.connection, database }) };
    }
    return this.#connection.pg;
  }
}

function run(argv: readonly string[], timeoutMs: number): Promise<CommandOutput> {
  const [binary, ...args] = argv;
  return new Promise((resolve) => {
    execFile(
      binary ?? "",
      args,
      { cwd: "/tmp", timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ exitCode, output: `${stdout}${stderr}`.trim() });
      },
    );
  });
}

function summarise(node: NodeRow): string {
  if (!node.active) return "inactive";
  if (node.repmgrd_paused === true) return "paused";
  return node.repmgrd_running === true ? "running" : "repmgrd_stopped";
}
