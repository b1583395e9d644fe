// Runs SQL on a pair's current primary. The primary is resolved from the latest agent reports before
// every operation; on a connection error it is resolved again and the work retried once. Failing to
// connect means nothing ran, so that retry is always safe; an error after the work started is
// retried only for operations declared idempotent.
import { ADMIN_SESSION_OPTIONS, UnavailableError } from "@pgaas/common";
import pg from "pg";
import type { NodeTarget, PairAccess } from "../services/pairs.js";

export const NO_PRIMARY_RETRY_SECONDS = 5;
const CONNECT_TIMEOUT_MS = 3000;
const STATEMENT_TIMEOUT_MS = 60_000;

export type SqlClient = Pick<pg.Client, "query">;

const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
]);
const SERVER_GONE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "08000", "08003", "08006", "25006"]);
/** read_only_sql_transaction: the node we thought primary is a standby now and refused the write. */
const REFUSED_AS_READ_ONLY = "25006";

/** Connection refused/reset/timeout, the server shutting down, or the server now read-only. */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || SERVER_GONE_SQLSTATES.has(code)))
    return true;
  const message = error instanceof Error ? error.message : "";
  return /timeout|terminated unexpectedly|Connection terminated/i.test(message);
}

/** Raised when a node could not even be connected to (so nothing ran there). */
export class NodeConnectError extends Error {}

/** Connects to one node as the pair's admin role (search_path pinned) and runs `work`; always closes. */
export async function withNode<T>(
  target: NodeTarget,
  database: string,
  work: (client: SqlClient) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password.reveal(),
    database,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    application_name: "pgaas-control-plane",
    // No name in an administrative session may resolve through a schema a tenant can write.
    options: ADMIN_SESSION_OPTIONS,
    // node-postgres verifies the chain and the address against the certificate's SANs (verify-full).
    ...(target.caCertificate === null ? {} : { ssl: { ca: target.caCertificate } }),
  });
  client.on("error", () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    throw new NodeConnectError(`cannot connect to ${target.nodeName}`, { cause: error });
  }
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

const noPrimary = (message: string, cause?: unknown) =>
  new UnavailableError(message, { code: "no_primary", retryAfterSeconds: NO_PRIMARY_RETRY_SECONDS, cause });

export interface PrimaryWork<T> {
  readonly database: string;
  /** Safe to run twice (the retry after a mid-operation connection loss). */
  readonly idempotent: boolean;
  run(client: SqlClient, primary: NodeTarget): Promise<T>;
}

export async function onPrimary<T>(pair: PairAccess, work: PrimaryWork<T>): Promise<T> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const primary = await pair.primary();
    if (primary === undefined) throw noPrimary("the pair has no writable primary right now");
    try {
      return await withNode(primary, work.database, (client) => work.run(client, primary));
    } catch (error) {
      // A refused connection or a refused (read-only) write changed nothing: always safe to retry.
      const refused =
        error instanceof NodeConnectError || (error as { code?: unknown }).code === REFUSED_AS_READ_ONLY;
      const retryable = refused || (work.idempotent && isConnectionError(error));
      if (!retryable) throw error;
      lastError = error;
    }
  }
  throw noPrimary("the primary could not be reached", lastError);
}
