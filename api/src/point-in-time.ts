// A look at the whole pair as of a point in time, before restoring anything: the standby's agent (the
// primary's without a healthy standby) restores the pair into a scratch instance on its own host,
// reports each database's owner, size and row estimate at that time, and removes the instance.
// Admins only; anybody else is told the pair does not exist.
import { DatabaseAtTime, PointInTimeParameters } from "@pgaas/common/wire";
import { z } from "zod";
import { Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export { DatabaseAtTime } from "@pgaas/common/wire";

/** Absent time and backup: the latest archived state. */
export const PointInTimeLookRequest = PointInTimeParameters;
export type PointInTimeLookRequest = z.infer<typeof PointInTimeLookRequest>;

export const PointInTimeLookState = z.enum(["running", "done", "failed"]);

export const PointInTimeLook = z.object({
  /** The request id (GET /v1/pairs/{id}/point-in-time/{requestId}). */
  id: Id,
  pairId: Id,
  /** The node whose agent restores the scratch instance. */
  nodeName: z.string(),
  /** False: the pair had no healthy standby, so the primary's host carries the restore's I/O. */
  onStandby: z.boolean(),
  time: Timestamp.nullable(),
  backup: z.string().nullable(),
  state: PointInTimeLookState,
  requestedAt: Timestamp,
  finishedAt: Timestamp.nullable(),
  /** `done`: every database at that time (shortened to fit when very many: see databaseCount). */
  databases: z.array(DatabaseAtTime).nullable(),
  databaseCount: z.number().int().nonnegative().nullable(),
  /** `done`: how long the restore, checks and figures took on the node. */
  durationMs: z.number().int().nonnegative().nullable(),
  /** `failed`: the stable code and why. */
  reason: z.string().nullable(),
});
export type PointInTimeLook = z.infer<typeof PointInTimeLook>;

export const PointInTimeLookResponse = z.object({ look: PointInTimeLook });
export type PointInTimeLookResponse = z.infer<typeof PointInTimeLookResponse>;

export const PointInTimeLookParams = IdParams.extend({ requestId: Id });

export const lookAtPointInTime = defineRoute({
  id: "lookAtPointInTime",
  method: "post",
  path: "/v1/pairs/:id/point-in-time",
  summary:
    "Restore the whole pair as of a time (or a backup) into a scratch instance on the standby and list its databases with owner, size and row estimate; the instance is removed after (admins; one look at a time)",
  tag: "backups",
  auth: "user",
  params: IdParams,
  body: PointInTimeLookRequest,
  status: 202,
  response: PointInTimeLookResponse,
});

export const getPointInTimeLook = defineRoute({
  id: "getPointInTimeLook",
  method: "get",
  path: "/v1/pairs/:id/point-in-time/:requestId",
  summary: "A look at the pair as of a time: running, done (the databases at that time) or failed (why)",
  tag: "backups",
  auth: "user",
  params: PointInTimeLookParams,
  status: 200,
  response: PointInTimeLookResponse,
});
