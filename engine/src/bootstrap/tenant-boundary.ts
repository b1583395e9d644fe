// Installs the tenant boundary on a pair's primary (standbys receive it by replication): the marker
// role, the admin role's narrowed rights, the closed system databases, and the boundary functions in
// every tenant database, then template1, then `postgres` last — `postgres` holding the current version
// means every earlier database has it, so a re-run with nothing to do changes nothing.
import {
  BOUNDARY_CURRENT_SQL,
  BOUNDARY_TARGETS_SQL,
  boundaryRolesSql,
  boundarySchemaSql,
} from "../sql/tenant-boundary-sql.js";

/** Runs SQL as the superuser in `database` with a pinned search_path; returns the first column, one line per row. */
export type SuperuserSql = (sql: string, database: string) => Promise<string>;

export async function ensureTenantBoundary(
  run: SuperuserSql,
): Promise<{ changed: boolean; skipped?: boolean; detail?: string }> {
  if ((await run(BOUNDARY_CURRENT_SQL, "postgres")) === "1") return { changed: false, skipped: true };
  await run(boundaryRolesSql(), "postgres");
  const targets = (await run(BOUNDARY_TARGETS_SQL, "postgres")).split("\n").filter((name) => name !== "");
  for (const database of targets) await run(boundarySchemaSql(), database);
  await run(boundarySchemaSql(), "postgres");
  return { changed: true, detail: `boundary functions in ${targets.length + 1} databases` };
}
