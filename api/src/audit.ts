// The audit log: every mutation, who did it, on what, with which outcome (and why it failed).
import { z } from "zod";
import { Id, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export const AuditFailure = z.object({ code: z.string(), message: z.string() });
export type AuditFailure = z.infer<typeof AuditFailure>;

/** What an account deleted since shows as; the entry keeps its id. */
export const DELETED_USER = "deleted user";

export const AuditEntry = z.object({
  id: Id,
  at: Timestamp,
  actorId: Id.nullable(),
  /** "user:<email>", "token:<email>/<name>", "agent:<pair>/<node>" or "anonymous", as at the time. */
  actor: z.string(),
  /** The actor's current email; "deleted user" once that account is gone; the label for non-users. */
  actorName: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  /** The target's current name (user email, database, pair, token); "deleted user"; null if unknown. */
  targetName: z.string().nullable(),
  outcome: z.enum(["succeeded", "failed"]),
  /** The error code and message the caller got, for failed actions. */
  failure: AuditFailure.nullable(),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** Where the next page starts: the last entry's instant (microseconds, UTC) and id. */
export const AuditCursor = z
  .string()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    "a cursor from a previous page",
  );

/** What both the page and the CSV export filter on; text filters match case-insensitively anywhere. */
const AuditFilterFields = z.object({
  /** Actor label or the actor's current email. */
  actor: z.string().trim().max(254).optional(),
  /** An action (route) id, e.g. createDatabase. */
  action: z.string().trim().max(100).optional(),
  outcome: z.enum(["succeeded", "failed"]).optional(),
  /** Target type, id or current name. */
  target: z.string().trim().max(254).optional(),
  /** Inclusive. */
  from: Timestamp.optional(),
  /** Exclusive. */
  to: Timestamp.optional(),
});
const fromBeforeTo = (filter: { from?: string | undefined; to?: string | undefined }) =>
  !filter.from || !filter.to || Date.parse(filter.from) < Date.parse(filter.to);
const FROM_BEFORE_TO = { message: "from must be before to", path: ["to"] };

export const AuditFilter = AuditFilterFields.refine(fromBeforeTo, FROM_BEFORE_TO);
export type AuditFilter = z.infer<typeof AuditFilter>;

export const AuditQuery = AuditFilterFields.extend({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: AuditCursor.optional(),
}).refine(fromBeforeTo, FROM_BEFORE_TO);
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditList = z.object({
  /** Newest first (ties broken by id, so pages never skip or repeat an entry). */
  entries: z.array(AuditEntry),
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: AuditCursor.nullable(),
});
export type AuditList = z.infer<typeof AuditList>;

export const listAudit = defineRoute({
  id: "listAudit",
  method: "get",
  path: "/v1/audit",
  summary: "Audit log, newest first, filtered and paged by cursor",
  tag: "audit",
  auth: "admin",
  query: AuditQuery,
  status: 200,
  response: AuditList,
});

/** More rows than this refuse the export: narrow the filters (a time range) instead. */
export const AUDIT_EXPORT_MAX_ROWS = 50_000;

export const exportAudit = defineRoute({
  id: "exportAudit",
  method: "get",
  path: "/v1/audit/export",
  summary: "The filtered audit log as a CSV download (times in UTC)",
  tag: "audit",
  auth: "admin",
  query: AuditFilter,
  status: 200,
  alternateContent: ["text/csv"],
});
