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
} from "@pgaas/api";
import { InputError } from "@pgaas/common";
import { auditEntries, auditPage, insertAuditEntry } from "../store/audit.js";
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
      await insertAuditEntry(db, {
        actorId,
        actor: actorLabel(entry.actor),
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        outcome: entry.outcome,
        failureCode: entry.failure?.code ?? null,
        failureMessage: entry.failure?.message ?? null,
        requestId: entry.requestId,
        details: entry.details ?? {},
      });
    },

    async list(query) {
      // One row more than asked says whether an older page exists.
      const rows = await auditPage(store, query, query.cursor, query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        entries: page.map((row) => row.entry),
        nextCursor: rows.length > query.limit ? (page.at(-1)?.cursor ?? null) : null,
      };
    },

    async exportCsv(filter) {
      const entries = await auditEntries(store, filter, AUDIT_EXPORT_MAX_ROWS + 1);
      if (entries.length > AUDIT_EXPORT_MAX_ROWS) {
        throw new InputError(`more than ${AUDIT_EXPORT_MAX_ROWS} entries match; narrow the time range`, {
          code: "export_too_large",
        });
      }
      return csvDocument(CSV_HEADER, entries.map(csvRow));
    },
  };
}
