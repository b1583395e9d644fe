// Calls to the tenant-boundary functions the pair engine installs (schema `pgaas`, owned by the
// superuser). The admin role can do nothing to tenant roles and databases except through them.
import { BOUNDARY_SCHEMA, sqlIdent, sqlLiteral } from "@pgaas/common";

/** `SELECT pgaas.<fn>(…)` with each argument quoted as a literal (null as NULL). */
export function boundaryCall(fn: string, ...args: readonly (string | number | null)[]): string {
  const values = args.map((arg) =>
    arg === null ? "NULL" : typeof arg === "number" ? String(Math.trunc(arg)) : sqlLiteral(arg),
  );
  return `SELECT ${sqlIdent(BOUNDARY_SCHEMA)}.${sqlIdent(fn)}(${values.join(", ")})`;
}
