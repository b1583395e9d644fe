// postgresql.conf of one pair member, outside the data directory (started with `pg_ctl -D <configDir>`,
// Debian's layout): clone and pg_rewind copy the data directory and must not carry node-specific config.
import type { Settings } from "../settings.js";
import { POOLER_AUTH_USER, POOLER_IDENT_MAP } from "../sql/pooler-roles.js";
import { confLine } from "./conf-quote.js";
import { sortedEntries, withHeader } from "./header.js";

/**
 * `includeIfExists`: a settings file read last (so it wins), skipped while absent: a node's client CA
 * and CRL arrive from the control plane after PostgreSQL first starts.
 */
export function renderPostgresqlConf(settings: Settings, includeIfExists?: string): string {
  const body = sortedEntries(settings)
    .map(([key, value]) => `${confLine(key, value)}\n`)
    .join("");
  const include = includeIfExists === undefined ? "" : `${confLine("include_if_exists", includeIfExists)}\n`;
  return withHeader(`${body}${include}`);
}

/**
 * What stays in the data directory as postgresql.conf. Only single-user crash recovery (pg_rewind after
 * kill -9) reads it; it must be identical on every node because clone and pg_rewind copy it across.
 */
export function renderDataDirStubConf(): string {
  return withHeader(
    "# The real configuration lives outside the data directory: pg_ctl -D <pgaas config dir>.\n",
  );
}

/** pg_ident.conf: one map, PgBouncer (OS user postgres) logging in as its auth_query role. */
export function renderPgIdent(): string {
  return withHeader(
    `# MAPNAME\tSYSTEM-USERNAME\tPG-USERNAME\n${POOLER_IDENT_MAP}\tpostgres\t${POOLER_AUTH_USER}\n`,
  );
}
