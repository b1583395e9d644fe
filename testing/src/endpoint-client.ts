// A tenant's (or the admin's) connection through the pair's endpoint, as a user's application makes it:
// the endpoint address and port, the user's password, TLS verify-full against the pair's CA.
import type { PairSecrets, PairSpec } from "@pgaas/engine";
import pg from "pg";
import { pairSsl } from "./pair-tls.js";

export interface EndpointUser {
  readonly username: string;
  readonly password: string;
}

/** A connected client through the endpoint; the caller ends it. */
export async function connectEndpoint(
  spec: PairSpec,
  secrets: PairSecrets,
  user: EndpointUser,
  database: string,
): Promise<pg.Client> {
  const client = new pg.Client({
    host: spec.endpoint.address,
    port: spec.postgres.port,
    user: user.username,
    password: user.password,
    database,
    ssl: pairSsl(secrets),
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Runs `text` through the endpoint on a connection of its own; the rows. */
export async function endpointQuery(
  spec: PairSpec,
  secrets: PairSecrets,
  user: EndpointUser,
  database: string,
  text: string,
): Promise<unknown[]> {
  const client = await connectEndpoint(spec, secrets, user, database);
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end().catch(() => {});
  }
}
