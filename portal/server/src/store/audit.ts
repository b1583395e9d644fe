// audit_log: who did what to which target, with the outcome; read back with actor and target names as
// they are now.
import { type AuditEntry, type AuditFilter, DELETED_USER } from "@pgaas/api";
import type { Queryable } from "./db.js";

export interface NewAuditEntry {
  readonly actorId: string | null;
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly outcome: "succeeded" | "failed";
  readonly failureCode: string | null;
  readonly failureMessage: string | null;
  readonly requestId: string | null;
  readonly details: Readonly<Record<string, unknown>>;
}

export async function insertAuditEntry(db: Queryable, entry: NewAuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (actor_id, actor, action, target_type, target_id, outcome, failure_code,
                            failure_message, request_id, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      entry.actorId,
      entry.actor,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.outcome,
      entry.failureCode,
      entry.failureMessage,
      entry.requestId,
      JSON.stringify(entry.details),
    ],
  );
}

interface AuditRow {
  id: string;
  at: Date;
  cursor: string;
  actor_id: string | null;
  actor: string;
  actor_email: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  target_name: string | null;
  outcome: "succeeded" | "failed";
  failure_code: string | null;
  failure_message: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
}

const UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

// Names as they are now. The target id is text (a refused call may name no valid id), hence the guard
// before the cast. Alert endpoints stay unnamed: a webhook URL may carry a credential.
const NAMED = `
  SELECT a.*, u.email AS actor_email,
         to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '_' || a.id AS cursor,
         CASE a.target_type
           WHEN 'users' THEN (SELECT email FROM users WHERE id = a.target_uuid)
           WHEN 'tokens' THEN (SELECT name FROM api_tokens WHERE id = a.target_uuid)
           WHEN 'databases' THEN (SELECT name FROM databases WHERE id = a.target_uuid)
           WHEN 'access' THEN (SELECT d.name FROM access_requests r JOIN databases d ON d.id = r.database_id
                                WHERE r.id = a.target_uuid)
           WHEN 'pairs' THEN (SELECT name FROM pairs WHERE id = a.target_uuid)
           WHEN 'backups' THEN (SELECT name FROM pairs WHERE id = a.target_uuid)
           WHEN 'settings' THEN (SELECT name FROM pairs WHERE id = a.target_uuid)
         END AS target_name
    FROM (SELECT *, CASE WHEN target_id ~ '${UUID}' THEN target_id::uuid END AS target_uuid
            FROM audit_log) a
    LEFT JOIN users u ON u.id = a.actor_id`;

const contains = (column: string, parameter: string) =>
  `strpos(lower(coalesce(${column}, '')), lower(${parameter})) > 0`;

// $1 actor, $2 action, $3 outcome, $4 target, $5 from, $6 to; unset filters are null.
const WHERE = `
  WHERE ($1::text IS NULL OR ${contains("actor", "$1")} OR ${contains("actor_email", "$1")})
    AND ($2::text IS NULL OR action = $2)
    AND ($3::text IS NULL OR outcome = $3)
    AND ($4::text IS NULL OR ${contains("target_type", "$4")} OR ${contains("target_id", "$4")}
         OR ${contains("target_name", "$4")})
    AND ($5::timestamptz IS NULL OR at >= $5)
    AND ($6::timestamptz IS NULL OR at < $6)`;

const filterValues = (filter: AuditFilter) => [
  filter.actor || null,
  filter.action || null,
  filter.outcome ?? null,
  filter.target || null,
  filter.from ?? null,
  filter.to ?? null,
];

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  at: row.at.toISOString(),
  actorId: row.actor_id,
  actor: row.actor,
  actorName: row.actor_id === null ? row.actor : (row.actor_email ?? DELETED_USER),
  action: row.action,
  targetType: row.target_type,
  targetId: row.target_id,
  targetName:
    row.target_name ?? (row.target_type === "users" && row.target_id !== null ? DELETED_USER : null),
  outcome: row.outcome,
  failure: row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message ?? "" },
  requestId: row.request_id,
  details: row.details,
});

/** A page of matching entries, newest first, older than the cursor (`at_id`) when given. */
export async function auditPage(
  db: Queryable,
  filter: AuditFilter,
  cursor: string | undefined,
  limit: number,
): Promise<{ entry: AuditEntry; cursor: string }[]> {
  const [cursorAt, cursorId] = cursor?.split("_") ?? [null, null];
  const { rows } = await db.query<AuditRow>(
    `SELECT * FROM (${NAMED}) named ${WHERE}
        AND ($7::timestamptz IS NULL OR (at, id) < ($7::timestamptz, $8::uuid))
      ORDER BY at DESC, id DESC LIMIT $9`,
    [...filterValues(filter), cursorAt, cursorId, limit],
  );
  return rows.map((row) => ({ entry: toEntry(row), cursor: row.cursor }));
}

/** At most `limit` matching entries, newest first. */
export async function auditEntries(db: Queryable, filter: AuditFilter, limit: number): Promise<AuditEntry[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT * FROM (${NAMED}) named ${WHERE} ORDER BY at DESC, id DESC LIMIT $7`,
    [...filterValues(filter), limit],
  );
  return rows.map(toEntry);
}
