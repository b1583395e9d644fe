// How a client reaches a pair's PostgreSQL: its servers serve TLS only, so every client verifies them
// against the pair CA with verify-full. node-postgres given `ssl: { ca }` checks the chain and the host
// (name or address) against the certificate's SANs, which is verify-full.

import type { ConnectionOptions } from "node:tls";
import type { PairSecrets } from "@pgaas/engine";
import type pg from "pg";

/** The `ssl` option for a pair: its CA, verify-full. Takes the pair's secrets or its CA certificate. */
export function pairSsl(pair: PairSecrets | string): ConnectionOptions {
  const ca = typeof pair === "string" ? pair : pair.tlsCa?.certificate;
  if (!ca) throw new Error("the pair has no CA: its servers refuse every client");
  return { ca };
}

/**
 * node-postgres options for a URI the control plane handed out (`?sslmode=verify-full`). node-postgres
 * reads that sslmode as "trust the system CAs", which would refuse the pair's servers, so the pair CA
 * replaces it; nothing about verification is relaxed. Takes the pair's secrets or its CA certificate.
 */
export function pairUriConfig(uri: string, pair: PairSecrets | string): pg.ClientConfig {
  const url = new URL(uri);
  if (url.searchParams.get("sslmode") !== "verify-full")
    throw new Error("the URI does not ask for verify-full");
  url.searchParams.delete("sslmode");
  return { connectionString: url.toString(), ssl: pairSsl(pair) };
}
