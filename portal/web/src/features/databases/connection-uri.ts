import type { Database, Pair } from "@pgaas/api";

/** The URI without a password (it was shown once at creation): user, stable endpoint, database. */
export function connectionUriWithoutPassword(database: Database, pair: Pair): string {
  const { host, port } = pair.endpoint;
  const hostPart = host.includes(":") ? `[${host}]` : host;
  return `postgresql://${encodeURIComponent(database.owner)}@${hostPart}:${port}/${encodeURIComponent(database.name)}`;
}
