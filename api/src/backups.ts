// Backups of a pair: the inventory the primary's agent reports (backups with time, type, size and WAL
// range; the archive lag and the restorable range) and "take a backup now", run by that agent.
import { BackupInventory, BackupType } from "@pgaas/common/wire";
import { z } from "zod";
import { Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export { BackupEntry, BackupInventory, BackupType } from "@pgaas/common/wire";

export const BackupRequestState = z.enum(["pending", "delivered", "succeeded", "failed"]);
export const BackupRequest = z.object({
  id: Id,
  pairId: Id,
  /** The node whose agent runs it (the primary when it was requested). */
  nodeName: z.string(),
  backupType: BackupType,
  state: BackupRequestState,
  requestedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  message: z.string().nullable(),
});
export type BackupRequest = z.infer<typeof BackupRequest>;

/** The last restore check of the newest backup (a pair event), success or failure. */
export const RestoreCheck = z.object({
  at: Timestamp,
  ok: z.boolean(),
  /** The backup restored; null when the check failed before it knew one. */
  backup: z.string().nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  /** The event's message: which node, what answered, or the failure's code and reason. */
  message: z.string(),
});
export type RestoreCheck = z.infer<typeof RestoreCheck>;

export const PairBackups = z.object({
  /** Null until the primary's agent reported one (no backups configured, or not reported yet). */
  inventory: BackupInventory.nullable(),
  /** When the agent sampled the inventory, and on which node. */
  reportedAt: Timestamp.nullable(),
  reportedBy: z.string().nullable(),
  /** The latest requested backups, newest first. */
  requests: z.array(BackupRequest),
  /** Null until a restore check finished. */
  lastVerification: RestoreCheck.nullable(),
});
export type PairBackups = z.infer<typeof PairBackups>;

export const TakeBackupRequest = z.object({ type: BackupType.default("full") });
export type TakeBackupRequest = z.infer<typeof TakeBackupRequest>;
export const TakeBackupResponse = z.object({ request: BackupRequest });
export type TakeBackupResponse = z.infer<typeof TakeBackupResponse>;

export const listBackups = defineRoute({
  id: "listBackups",
  method: "get",
  path: "/v1/pairs/:id/backups",
  summary: "Backups in the pair's repository, the archive lag (RPO) and the restorable range",
  tag: "backups",
  auth: "user",
  params: IdParams,
  status: 200,
  response: PairBackups,
});

export const takeBackup = defineRoute({
  id: "takeBackup",
  method: "post",
  path: "/v1/pairs/:id/backups",
  summary: "Ask the primary's agent to take a backup now (full, diff or incr)",
  tag: "backups",
  auth: "admin",
  params: IdParams,
  body: TakeBackupRequest,
  status: 202,
  response: TakeBackupResponse,
});

/** A restore check as requested: the command for the standby's agent (the primary's without one). */
export const VerifyBackupResponse = z.object({ request: BackupRequest.omit({ backupType: true }) });
export type VerifyBackupResponse = z.infer<typeof VerifyBackupResponse>;

export const verifyBackup = defineRoute({
  id: "verifyBackup",
  method: "post",
  path: "/v1/pairs/:id/backups/verify",
  summary: "Restore the newest backup into a scratch instance and check every database answers",
  tag: "backups",
  auth: "admin",
  params: IdParams,
  status: 202,
  response: VerifyBackupResponse,
});
