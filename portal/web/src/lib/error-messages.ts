// Every error code the control plane (or this client) can produce, in words a user can act on.
// Unknown codes fall back to the server's own message, so a new code is never shown as a blank.
import { ApiError } from "./api-error.js";

const MESSAGES: Readonly<Record<string, string>> = {
  // Generic codes of the typed domain errors.
  invalid_input: "Some fields are not valid. Check the highlighted values and try again.",
  not_found: "It no longer exists. It may have been deleted.",
  conflict: "That conflicts with the current state. Reload and try again.",
  unauthenticated: "Your session has ended. Sign in again.",
  forbidden: "You are not allowed to do this. Ask an admin or the database owner.",
  unavailable: "The service is temporarily unavailable. Try again shortly.",
  rate_limited: "Too many attempts. Wait a moment and try again.",
  internal_error: "Something went wrong on the server. The request id below helps the operators find it.",
  // Specific codes of the control plane.
  invalid_credentials: "The email or password is wrong.",
  invalid_settings: "Some settings are not allowed. Check the values marked below.",
  confirmation_mismatch: "The confirmation does not match the name. Type the exact name to confirm.",
  user_exists: "A user with that email already exists.",
  pair_exists: "A pair with that name is already registered.",
  pair_not_found: "That pair is not registered (any more).",
  pair_has_databases: "The pair still holds databases. Delete them first.",
  node_names_changed: "A pair's node names cannot change; register a new pair instead.",
  database_exists: "A database or owner role with that name already exists on the pair. Choose another name.",
  database_not_found: "That database does not exist or you cannot see it.",
  database_deleted: "That database was deleted.",
  access_request_not_found: "That access request does not exist or you cannot see it.",
  already_owner: "You own this database already; you do not need to ask for access.",
  request_exists: "You already have an open request or a grant for this database.",
  invalid_state: "This request was already decided or changed. Reload to see its state.",
  credentials_unavailable: "The credentials were already collected once and cannot be shown again.",
  rotation_in_progress: "Someone rotated this grant at the same moment. Reload to see its new state.",
  no_primary:
    "The pair has no writable primary right now (a failover may be in progress). Try again shortly.",
  node_unreachable: "A database server of the pair cannot be reached right now. Try again shortly.",
  switchover_in_progress: "A switchover is already running on this pair.",
  switchover_no_primary: "A switchover needs a writable primary, and the pair has none right now.",
  switchover_primary_unreachable:
    "The primary is not reporting, so a switchover cannot be coordinated. Wait until it reports again.",
  switchover_target_unreachable: "The standby is not reporting, so it cannot take over.",
  switchover_target_superseded:
    "The other node is an old primary: it must rejoin as a standby before it can take over.",
  switchover_target_fenced: "The standby is fenced: it must rejoin before it can take over.",
  switchover_target_not_standby: "The other node is not a streaming standby, so it cannot take over.",
  switchover_target_not_sync:
    "The standby is not synchronous: promoting it now could lose acknowledged commits.",
  backups_not_configured: "This pair has no backups configured (its spec has no backup block).",
  backup_in_progress: "A backup of this pair is already running; wait for it to finish.",
  restore_check_in_progress: "A restore check of this pair is already running; wait for it to finish.",
  look_in_progress: "A look at this pair as of a point in time is already running; wait for it to finish.",
  database_restoring: "That database is still being restored; wait until it is active.",
  database_not_restorable: "Only an active or a deleted database can be restored.",
  no_backup: "The pair has no backup yet, so nothing can be restored.",
  unknown_backup: "The pair's repository has no backup with that label.",
  invalid_restore_time: "The point in time needs a date, a time and a time zone.",
  restore_time_before_oldest_backup:
    "That time is older than the pair's oldest backup. Choose a time in the restorable range.",
  restore_time_in_future: "That time is in the future. Choose a time in the restorable range.",
  restore_time_after_deletion: "The database was already deleted then. Choose a time before its deletion.",
  restore_time_before_creation: "The database did not exist yet then. Choose a later time.",
  deletion_outside_retention:
    "The backups that reached back to this deletion have expired: it can no longer be restored.",
  command_not_found: "That command does not exist.",
  command_finished: "That command has already finished.",
  invalid_token: "That API token is invalid or expired.",
  session_expired: "Your session has expired. Sign in again.",
  invalid_json: "The request was not valid JSON.",
  invalid_body: "The request body could not be read.",
  payload_too_large: "The request is too large.",
  route_not_found:
    "The control plane does not know this request (it may be older than this page). Reload the page.",
  last_admin: "This is the last enabled admin: make someone else an admin first.",
  cannot_delete_self: "You cannot delete your own account; another admin can.",
  user_not_disabled: "Disable the user first; then they can be deleted.",
  database_owner_exists: "The user still owns live databases. Delete them first.",
  grant_holder: "The user still holds access grants. Revoke them first.",
  user_in_use: "The user is still referenced by records that cannot lose them.",
  export_too_large: "Too many entries for one export. Narrow the time range or the filters.",
  // Produced by this client.
  network_error: "The control plane did not answer. Check your connection and try again.",
  invalid_response: "The control plane sent an answer this page does not understand. Reload the page.",
};

/** The sentence to show for a failed call, with the retry delay when the server gave one. */
export function describeApiError(error: unknown): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const base = MESSAGES[error.code] ?? error.message;
  return error.retryAfterSeconds === undefined ? base : `${base} (retry in ${error.retryAfterSeconds} s)`;
}

/** The server's own words, shown under the sentence when they add something. */
export function serverDetail(error: unknown): string | undefined {
  if (!(error instanceof ApiError) || MESSAGES[error.code] === undefined) return undefined;
  return error.message === "" ? undefined : error.message;
}

/** Per-field reasons the server put in `details[key]` (e.g. `details.settings` of invalid_settings). */
export function detailFieldErrors(error: unknown, key: string): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const fields = error.details?.[key];
  if (typeof fields !== "object" || fields === null) return {};
  return Object.fromEntries(
    Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === "string"),
  );
}

/**
 * The errors of a failed call that belong on a form's fields: a coded error the server tied to a field
 * (database_exists → name), or invalid_input whose every issue names one of `fields`. Undefined when
 * the error is about something else, and the form shows it above itself instead.
 */
export function serverFieldErrors(
  error: unknown,
  fields: readonly string[],
): Record<string, string> | undefined {
  if (!(error instanceof ApiError)) return undefined;
  if (error.field !== undefined)
    return fields.includes(error.field) ? { [error.field]: describeApiError(error) } : undefined;
  if (error.code !== "invalid_input") return undefined;
  const errors: Record<string, string> = {};
  for (const issues of Object.values(error.details ?? {})) {
    if (!Array.isArray(issues)) return undefined;
    for (const issue of issues as { path?: unknown; message?: unknown }[]) {
      const path = typeof issue?.path === "string" ? issue.path : "";
      if (!fields.includes(path) || typeof issue.message !== "string") return undefined;
      errors[path] ??= issue.message;
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** The `{path, message}` issues of an invalid_input error (`details.body`, `details.query`, …) as lines. */
export function inputIssues(error: unknown): string[] {
  if (!(error instanceof ApiError) || !error.details) return [];
  const lines: string[] = [];
  for (const [where, issues] of Object.entries(error.details)) {
    if (!Array.isArray(issues)) continue;
    for (const issue of issues as { path?: unknown; message?: unknown }[]) {
      if (typeof issue?.message !== "string") continue;
      const path = typeof issue.path === "string" && issue.path !== "" ? issue.path : where;
      lines.push(`${path}: ${issue.message}`);
    }
  }
  return lines;
}
