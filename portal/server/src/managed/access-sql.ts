// SQL for access grants: a tenant login role with read-only or read-write privileges on the public
// schema (default privileges included), given and taken back by the boundary functions.

import type { AccessLevel } from "@pgaas/api";
import { sqlLiteral } from "@pgaas/common";
import { boundaryCall } from "./boundary-call.js";

/** Run inside the target database. */
export function grantAccessSql(role: string, level: AccessLevel): string {
  return boundaryCall("grant_access", role, level);
}

/** Run on `postgres`: how the role logs in from the client networks (pg_hba's certificate groups). */
export function setRoleAuthSql(
  role: string,
  method: "password" | "certificate" | "certificate+password",
): string {
  return boundaryCall("set_role_auth", role, method);
}

/** Run inside the target database; then `endAccessPlan` on `postgres`. */
export function revokeAccessSql(role: string): string {
  return boundaryCall("revoke_access", role);
}

/** Run on `postgres`: end the role's sessions, then drop it. */
export function endAccessPlan(role: string): string[] {
  return [
    `SELECT count(pg_catalog.pg_terminate_backend(pid))::int AS terminated FROM pg_catalog.pg_stat_activity WHERE usename = ${sqlLiteral(role)}`,
    boundaryCall("drop_role", role),
  ];
}
