// Names every part of pgaas must agree on: the engine creates them, the control plane stores and
// checks them, the SDK and the provider validate them before anything is deployed.
import { z } from "zod";

/** The role the control plane logs in as on every pair. */
export const ADMIN_ROLE = "pgaas_admin";

/** The schema of pg_stat_statements in each member's postgres database (no tenant connects there). */
export const STATEMENT_STATS_SCHEMA = "pgaas_monitor";

/**
 * What is wrong with a name under pgaas's naming rule (a lower-case letter, then lower-case letters,
 * digits and `separator`, at most `max`), one sentence per broken rule; empty when it is fine. The
 * server's and the portal's errors come from here, so both name the same rule.
 */
export function nameProblems(name: string, rule: { max: number; separator: "_" | "-" }): string[] {
  if (name === "") return ["Required"];
  const problems: string[] = [];
  const length = [...name].length;
  if (length > rule.max) {
    const over = length - rule.max;
    problems.push(`Too long by ${over} character${over === 1 ? "" : "s"} (at most ${rule.max}).`);
  }
  if (/[A-Z]/.test(name)) problems.push("Upper case is not allowed: use a–z.");
  if (/\s/.test(name)) problems.push("Spaces are not allowed.");
  if (/['"`]/.test(name)) problems.push("Quotes are not allowed.");
  if (!/^[a-zA-Z]/.test(name)) problems.push("Must start with a letter.");
  const others = [...new Set(name.replace(/[a-zA-Z0-9\s'"`]/g, "").replaceAll(rule.separator, ""))];
  if (others.length > 0) {
    const listed = others.map((character) => `"${character}"`).join(" ");
    problems.push(`Not allowed: ${listed}. Use a–z, 0–9 and ${rule.separator}.`);
  }
  return problems;
}

/** A zod string checked by `nameProblems`: its issue names each broken rule; the pattern stays in the schema. */
function nameSchema(pattern: RegExp, rule: { max: number; separator: "_" | "-" }) {
  return z.string().regex(pattern, {
    error: (issue) => nameProblems(String(issue.input), rule).join(" ") || "Not a valid name.",
  });
}

/**
 * A pair's name. It becomes part of unit names, paths, repmgr's and keepalived's configuration on the
 * hosts (`pgaas-postgres-<pair>-<node>`), which is why it is shorter than PostgreSQL's 63.
 */
export const PAIR_NAME_MAX_LENGTH = 40;
export const PAIR_NAME_PATTERN = new RegExp(`^[a-z][a-z0-9-]{0,${PAIR_NAME_MAX_LENGTH - 1}}$`);
export const PairName = nameSchema(PAIR_NAME_PATTERN, { max: PAIR_NAME_MAX_LENGTH, separator: "-" });

/** PostgreSQL's identifier limit (NAMEDATALEN - 1). */
export const PG_NAME_MAX_LENGTH = 63;
/** Lower-case identifier PostgreSQL takes without quoting; used for database, role and node names. */
export const PG_NAME_PATTERN = new RegExp(`^[a-z][a-z0-9_]{0,${PG_NAME_MAX_LENGTH - 1}}$`);
export const PgName = nameSchema(PG_NAME_PATTERN, { max: PG_NAME_MAX_LENGTH, separator: "_" });

/** Names that would collide with PostgreSQL's own objects or the roles pgaas manages. */
export const RESERVED_NAMES: readonly string[] = [
  "postgres",
  "template0",
  "template1",
  "repmgr",
  ADMIN_ROLE,
  "public",
  "all",
  "user",
  "current_user",
  "session_user",
  "current_role",
  "none",
  "default",
];

/** Why a valid identifier is still refused for a database or role, or undefined when it is free. */
export function reservedNameProblem(name: string): string | undefined {
  if (RESERVED_NAMES.includes(name)) return `"${name}" is reserved by PostgreSQL or pgaas.`;
  if (name.startsWith("pg_")) return "Names starting with pg_ are reserved by PostgreSQL.";
  return undefined;
}

export const NotReservedName = PgName.refine((name) => reservedNameProblem(name) === undefined, {
  error: (issue) => reservedNameProblem(String(issue.input)),
});
