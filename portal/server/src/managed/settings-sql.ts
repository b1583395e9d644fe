// SQL statements for pair-level parameters (ALTER SYSTEM works on a hot standby too).
import { sqlIdent, sqlLiteral } from "@pgaas/common";

export function alterSystemSql(parameter: string, text: string): string {
  return `ALTER SYSTEM SET ${sqlIdent(parameter)} TO ${sqlLiteral(text)}`;
}

export const RELOAD_SQL = "SELECT pg_reload_conf()";
export const PENDING_RESTART_SQL = "SELECT name FROM pg_settings WHERE pending_restart ORDER BY name";
