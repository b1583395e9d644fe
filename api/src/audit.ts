// The audit log: every mutation, who did it, on what, with which outcome.
import { z } from "zod";
import { Id, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export const AuditEntry = z.object({
  id: Id,
  at: Timestamp,
  actorId: Id.nullable(),
  /** "user:<email>", "token:<name>", "agent:<pair>/<node>" or "system". */
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  outcome: z.enum(["succeeded", "failed"]),
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  before: Timestamp.optional(),
  action: z.string().max(100).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;
export const AuditList = z.object({ entries: z.array(AuditEntry) });
export type AuditList = z.infer<typeof AuditList>;

export const listAudit = defineRoute({
  id: "listAudit",
  method: "get",
  path: "/v1/audit",
  summary: "Audit log, newest first",
  tag: "audit",
  auth: "admin",
  query: AuditQuery,
  status: 200,
  response: AuditList,
});
