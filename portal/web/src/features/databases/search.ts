import type { Database } from "@pgaas/api";

/** Case-insensitive match on name, owner or pair name. */
export function matchesSearch(database: Database, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (needle === "") return true;
  return [database.name, database.owner, database.pairName].some((text) =>
    text.toLowerCase().includes(needle),
  );
}
