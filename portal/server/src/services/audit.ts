// The audit log: every mutation is recorded with actor, target and outcome (and, when it failed, the
// error the caller got). Read back newest first with the names of actors and targets as they are now.
import {
  AUDIT_EXPORT_MAX_ROWS,
  type AuditEntry,
  type AuditFailure,
  type AuditFilter,
  type AuditList,
  type AuditQuery,
  auditActionLabel,
  DELETED_USER,
} from "@pgaas/api";
import { InputError } from "@pgaas/common";
import type { Queryable, Store } from "../store/db.js";
import { type Actor, actorLabel } from "./actor.js";
import { csvDocument } from "./csv.js";

export interface AuditRecord {
  readonly actor: Actor | undefined;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly outcome: "succeeded" | "failed";
  readonly failure?: AuditFailure;
  readonly requestId: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  record(entry: AuditRecord, db?: Queryable): Promise<void>;
  list(query: AuditQuery): Promise<AuditList>;
  /** The filtered log as CSV, newest first; refused beyond AUDIT_EXPORT_MAX_ROWS rows. */
  exportCsv(filter: AuditFilter): Promise<string>;
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

const CSV_HEADER = [
  "at_utc",
  "actor",
  "actor_name",
  "action",
  "action_label",
  "target_type",
  "target_id",
  "target_name",
  "outcome",
  "failure_code",
  "failure_message",
  "request_id",
  "details",
] as const;

const csvRow = (entry: AuditEntry) => [
  entry.at,
  entry.actor,
  entry.actorName,
  entry.action,
  auditActionLabel(entry.action),
  entry.targetType,
  entry.targetId,
  entry.targetName,
  entry.outcome,
  entry.failure?.code ?? null,
  entry.failure?.message ?? null,
  entry.requestId,
  JSON.stringify(entry.details),
];

export function createAuditLog(store: Store): AuditLog {
  return {
    async record(entry, db = store) {
      const actorId = entry.actor?.kind === "user" ? entry.actor.id : null;
      await db.query(
        `INSERT INTO audit_log (actor_id, actor, action, target_type, target_id, outcome, failure_code,
                                failure_message, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [
          actorId,
          actorLabel(entry.actor),
          entry.action,
          entry.targetType,
          entry.targetId,
          entry.outcome,
          entry.failure?.code ?? null,
          entry.failure?.message ?? null,
          entry.requestId,
          JSON.stringify(entry.details ?? {}),
        ],
      );
    },

    async list(query) {
      const [cursorAt, cursorId] = query.cursor?.split("_") ?? [null, null];
      // One row more than asked says whether an older page exists.
      const { rows } = await store.query<AuditRow>(
        `SELECT * FROM (${NAMED}) named ${WHERE}
            AND ($7::timestamptz IS NULL OR (at, id) < ($7::timestamptz, $8::uuid))
          ORDER BY at DESC, id DESC LIMIT $9`,
        [...filterValues(query), cursorAt, cursorId, query.limit + 1],
      );
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map(toEntry),
        nextCursor: rows.length > query.limit ? (page.at(-1)?.cursor ?? null) : null,
      };
    },

    async exportCsv(filter) {
      const { rows } = await store.query<AuditRow>(
        `SELECT * FROM (${NAMED}) named ${WHERE} ORDER BY at DESC, id DESC LIMIT $7`,
        [...filterValues(filter), AUDIT_EXPORT_MAX_ROWS + 1],
      );
      if (rows.length > AUDIT_EXPORT_MAX_ROWS) {
        throw new InputError(`more than ${AUDIT_EXPORT_MAX_ROWS} entries match; narrow the time range`, {
          code: "export_too_large",
        });
      }
      return csvDocument(CSV_HEADER, rows.map(toEntry).map(csvRow));
    },
  };
}
