// Statements that switch synchronous replication on and off at run time (ALTER SYSTEM writes
// postgresql.auto.conf in the data directory; a reload applies it without a restart).
import { sqlIdent, sqlLiteral } from "@pgaas/common";

/** The pair's node names in spec order: all these statements need of a spec. */
export interface PairNodeNames {
  readonly nodes: readonly { readonly name: string }[];
}

/** `ANY 1 ("n1", "n2")`: whichever node is the standby acknowledges (names are application_name). */
export function synchronousStandbyNames(spec: PairNodeNames): string {
  return `ANY 1 (${spec.nodes.map((node) => sqlIdent(node.name)).join(", ")})`;
}

export function setSynchronousStandbyNamesSql(value: string): string {
  return `ALTER SYSTEM SET synchronous_standby_names = ${sqlLiteral(value)}`;
}

export const RELOAD_SQL = "SELECT pg_reload_conf()";

/** How many of the pair's nodes stream from this one right now. */
export function streamingStandbysSql(spec: PairNodeNames): string {
  const names = spec.nodes.map((node) => sqlLiteral(node.name)).join(", ");
  return `SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name IN (${names})`;
}

/** 1 when the named node streams from this server, else 0. */
export function nodeStreamingSql(nodeName: string): string {
  return `SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND application_name = ${sqlLiteral(nodeName)}`;
}

/** 't' when this server accepts writes: the keepalived check and the fence watcher ask this. */
export const WRITABLE_SQL =
  "SELECT NOT pg_is_in_recovery() AND current_setting('default_transaction_read_only') = 'off'";

/**
 * 1 when the named node streams from this server and acknowledges commits: `ANY 1 (…)` shows it as
 * "quorum", a single name as "sync".
 */
export function nodeSynchronousSql(nodeName: string): string {
  return `SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' AND sync_state IN ('sync', 'quorum') AND application_name = ${sqlLiteral(nodeName)}`;
}

/** 1 when the named node streams from this server from `address` (its host, not a former one). */
export function nodeStreamingFromSql(nodeName: string, address: string): string {
  return `${nodeStreamingSql(nodeName)} AND client_addr = ${sqlLiteral(address)}::inet`;
}
