// A look at the whole pair as of a point in time through the control plane: the target is checked
// against the pair's reported inventory first (checkRestoreTarget: the same codes and range messages
// as a database restore), then a `describe_point_in_time` command goes to the streaming standby's
// agent (the primary's without one: restoreCheckNode), one look at a time per pair, since each needs
// the disk of a whole restored pair on that host. The agent's result becomes the look's figures and a
// point_in_time_described/failed event (agent-ingest.ts).
import type { PointInTimeLook, PointInTimeLookRequest } from "@pgaas/api";
import { ConflictError, NotFoundError } from "@pgaas/common";
import { checkRestoreTarget, parsePointInTimeMessage } from "@pgaas/common/wire";
import { enqueueAgentCommand, openCommandId } from "../store/agent-commands.js";
import type { Store } from "../store/db.js";
import { lockPair } from "../store/pairs.js";
import { findLook, type LookRow, POINT_IN_TIME_COMMAND } from "../store/point-in-time-looks.js";
import { isAdmin, type UserActor } from "./actor.js";
import { requireRepository } from "./backups.js";
import type { Pairs } from "./pairs.js";
import { restoreCheckNode } from "./restore-checks.js";

export interface PointInTimeLooks {
  look(actor: UserActor, pairId: string, request: PointInTimeLookRequest): Promise<PointInTimeLook>;
  get(actor: UserActor, pairId: string, id: string): Promise<PointInTimeLook>;
}

/** Longer than the engine's own limits together (restore 1 h, recovery 10 min, figures per database). */
const ABANDONED_AFTER = "3 hours";

/** Members learn nothing about pairs through this door: the same answer as a missing pair. */
function requireAdmin(actor: UserActor): void {
  if (!isAdmin(actor)) throw new NotFoundError("pair not found", { code: "pair_not_found" });
}

function toLook(row: LookRow): PointInTimeLook {
  const { pointInTime, onStandby } = row.parameters;
  const finished = row.state === "succeeded" || row.state === "failed";
  const described = row.state === "succeeded" ? parsePointInTimeMessage(row.message ?? "") : null;
  const failed = row.state === "failed" || (row.state === "succeeded" && described === null);
  return {
    id: row.id,
    pairId: row.pairId,
    nodeName: row.nodeName,
    onStandby,
    time: pointInTime.time ?? null,
    backup: pointInTime.backup ?? null,
    state: !finished ? "running" : failed ? "failed" : "done",
    requestedAt: row.requestedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    databases: described?.databases ?? null,
    databaseCount: described?.databaseCount ?? null,
    durationMs: described?.durationMs ?? null,
    reason: !failed
      ? null
      : row.state === "failed"
        ? (row.message ?? "failed without a message")
        : `unreadable result: ${row.message ?? ""}`,
  };
}

export function createPointInTimeLooks(
  store: Store,
  pairs: Pairs,
  clock: () => Date = () => new Date(),
): PointInTimeLooks {
  const get = async (actor: UserActor, pairId: string, id: string): Promise<PointInTimeLook> => {
    requireAdmin(actor);
    await pairs.get(pairId);
    const row = await findLook(store, pairId, id);
    if (row === undefined) {
      throw new NotFoundError("no such look at this pair", { code: "look_not_found" });
    }
    return toLook(row);
  };

  return {
    get,
    async look(actor, pairId, request) {
      requireAdmin(actor);
      const pair = await pairs.get(pairId);
      const id = await store.transaction(async (db) => {
        await lockPair(db, pairId);
        checkRestoreTarget(await requireRepository(db, pair), request, clock());
        const open = await openCommandId(db, pairId, POINT_IN_TIME_COMMAND, ABANDONED_AFTER);
        if (open !== undefined) {
          throw new ConflictError("a look at this pair as of a point in time is already running", {
            code: "look_in_progress",
            details: { requestId: open },
          });
        }
        const node = restoreCheckNode(pair, "a look at a point in time");
        const queued = await enqueueAgentCommand(db, {
          pairId,
          nodeId: node.id,
          type: POINT_IN_TIME_COMMAND,
          requestedBy: actor.id,
          parameters: { pointInTime: request, onStandby: node.role === "standby" },
        });
        return queued.id;
      });
      return get(actor, pairId, id);
    },
  };
}
