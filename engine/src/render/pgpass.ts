// The pair's password file, used by every libpq client running as the postgres OS user (repmgr,
// repmgrd, walreceiver via `passfile=` in conninfo). Only the repmgr role has a password entry.

import type { Secret } from "@pgaas/common";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";
import { REPMGR_USER } from "./pg-hba.js";

/** .pgpass's escaper: backslash before `:` and `\`. */
export function pgpassField(value: string): string {
  assertOneLine(value, ".pgpass field");
  return value.replaceAll("\\", "\\\\").replaceAll(":", "\\:");
}

export function renderPgpass(repmgrPassword: Secret): string {
  return withHeader(`*:*:*:${pgpassField(REPMGR_USER)}:${pgpassField(repmgrPassword.reveal())}\n`);
}
