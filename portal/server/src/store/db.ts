// The store's connection pool and a transaction helper.
import pg from "pg";
import { parseIntoClientConfig } from "pg-connection-string";

/** Anything that runs a query: the pool or a client inside a transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface Store extends Queryable {
  readonly pool: pg.Pool;
  transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Whether the store answers: the health check's probe. */
export async function ping(db: Queryable): Promise<void> {
  await db.query("SELECT 1");
}

// Counters and sizes fit in doubles for our ranges; parse int8/numeric as numbers, not strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));

export function openStore(
  databaseUrl: string,
  options: { readonly max?: number; readonly password?: string } = {},
): Store {
  const { max = 20, password } = options;
  // pg lets a connection string's (empty) password win over a `password` option: parse the URL here
  // and set the password on the result instead.
  const pool = new pg.Pool({
    ...parseIntoClientConfig(databaseUrl),
    ...(password !== undefined ? { password } : {}),
    max,
    application_name: "pgaas-control-plane",
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  return {
    pool,
    query: (text, values) => pool.query(text, values),
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work(client);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
