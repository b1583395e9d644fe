// The audit log: every mutation is recorded with actor, target and outcome.
import type { AuditEntry, AuditQuery } from "@pgaas/api";
import type { Queryable, Store } from "../store/db.js";
import { type Actor, actorLabel } from "./actor.js";

export interface AuditRecord {
  readonly actor: Actor | undefined;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string | null;
  readonly outcome: "succeeded" | "failed";
  readonly requestId: string | null;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditLog {
  record(entry: AuditRecord, db?: Queryable): Promise<void>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
}

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string | null;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  outcome: "succeeded" | "failed";
  request_id: string | null;
  details: Record<string, unknown>;
}

export function createAuditLog(store: Store): AuditLog {
  return {
    async record(entry, db = store) {
      const actorId = entry.actor?.kind === "user" ? entry.actor.id : null;
      await db.query(
        `INSERT INTO audit_log (actor_id, actor, action, target_type, target_id, outcome, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          actorId,
          actorLabel(entry.actor),
          entry.action,
          entry.targetType,
          entry.targetId,
          entry.outcome,
          entry.requestId,
          JSON.stringify(entry.details ?? {}),
        ],
      );
    },
    async list(query) {
      const { rows } = await store.query<AuditRow>(
        `SELECT * FROM audit_log
          WHERE ($1::timestamptz IS NULL OR at < $1) AND ($2::text IS NULL OR action = $2)
          ORDER BY at DESC, id LIMIT $3`,
        [query.before ?? null, query.action ?? null, query.limit],
      );
      return rows.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        actorId: row.actor_id,
        actor: row.actor,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        outcome: row.outcome,
        requestId: row.request_id,
        details: row.details,
      }));
    },
  };
}
