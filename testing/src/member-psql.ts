// psql as postgres on a pair member's own host, over its unix socket: the superuser's view of a member
// that the endpoint (and its roles' privileges) would not give a test.
import type { LocalLab } from "@pgaas/engine/local";
import { hostExec } from "@pgaas/engine/testing";

/** Runs `sql` in `database` on member `node` of pair `pair` (ON_ERROR_STOP); its unaligned output, trimmed. */
export async function psqlOn(lab: LocalLab, pair: string, node: string, database: string, sql: string) {
  const argv = [
    "/usr/lib/postgresql/15/bin/psql",
    "-XAtq",
    "-v",
    "ON_ERROR_STOP=1",
    "-h",
    `/run/pgaas/${pair}/${node}`,
    "-d",
    database,
    "-c",
    sql,
  ];
  const result = await hostExec(lab, node, ["runuser", "-u", "postgres", "--", ...argv]);
  if (result.code !== 0) throw new Error(`psql on ${node}: ${result.stderr}`);
  return result.stdout.trim();
}
