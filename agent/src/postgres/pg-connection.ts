// One lazily opened connection to the local PostgreSQL over its Unix socket (peer authentication).
// A failed connect, a broken connection or a query that outlives its timeout closes the connection;
// the next query reconnects. Every failure surfaces as PostgresUnreachableError.
import { ADMIN_SESSION_OPTIONS } from "@pgaas/common";
import pg from "pg";
import { PostgresUnreachableError } from "../errors.js";

export interface PgConnectionOptions {
  readonly socketDir: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** Connect and per-query budget; a hung server must not stall the agent's loop. */
  readonly timeoutMs: number;
}

export class PgConnection {
  readonly #options: PgConnectionOptions;
  #client: pg.Client | null = null;
  #connecting: Promise<pg.Client> | null = null;

  constructor(options: PgConnectionOptions) {
    this.#options = options;
  }

  async query<Row extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []): Promise<Row[]> {
    const client = await this.#connect();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`query timed out after ${this.#options.timeoutMs} ms`)),
        this.#options.timeoutMs,
      );
    });
    try {
      const result = await Promise.race([client.query<Row>(text, values as unknown[]), timeout]);
      return result.rows;
    } catch (cause) {
      if (isServerError(cause)) throw cause;
      await this.close();
      throw new PostgresUnreachableError(`PostgreSQL query failed: ${(cause as Error).message}`, { cause });
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const client = this.#client;
    this.#client = null;
    this.#connecting = null;
    if (client) await client.end().catch(() => {});
  }

  #connect(): Promise<pg.Client> {
    if (this.#client) return Promise.resolve(this.#client);
    this.#connecting ??= this.#open().finally(() => {
      this.#connecting = null;
    });
    return this.#connecting;
  }

  async #open(): Promise<pg.Client> {
    const { socketDir, port, user, database, timeoutMs } = this.#options;
    const client = new pg.Client({
      host: socketDir,
      port,
      user,
      database,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      application_name: "pgaas-agent",
      // The agent's queries resolve no name through a schema a tenant could write.
      options: ADMIN_SESSION_OPTIONS,
    });
    client.on("error", () => {
      if (this.#client === client) this.#client = null;
    });
    try {
      await client.connect();
    } catch (cause) {
      await client.end().catch(() => {});
      throw new PostgresUnreachableError(
        `cannot connect to PostgreSQL at ${socketDir}:${port} as ${user}: ${(cause as Error).message}`,
        { cause },
      );
    }
    this.#client = client;
    return client;
  }
}

/** A server-side error (SQLSTATE) on a healthy connection: the connection stays usable. */
function isServerError(error: unknown): boolean {
  return error instanceof pg.DatabaseError && !String(error.code).startsWith("57P") && error.code !== "08006";
}
