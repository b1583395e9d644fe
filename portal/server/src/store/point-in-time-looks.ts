// Looks at a pair as of a point in time: `describe_point_in_time` rows of agent_commands (queued with
// enqueueAgentCommand), read back with the node that runs them, the target and where they ran.
import type { PointInTimeParameters } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

export const POINT_IN_TIME_COMMAND = "describe_point_in_time";

/** What the command's parameters hold besides what the agent is sent. */
export interface LookParameters {
  readonly pointInTime: PointInTimeParameters;
  /** Whether a healthy standby was chosen (false: the primary, for want of one). */
  readonly onStandby: boolean;
}

export interface LookRow {
  readonly id: string;
  readonly pairId: string;
  readonly nodeName: string;
  readonly parameters: LookParameters;
  readonly state: "pending" | "delivered" | "succeeded" | "failed";
  readonly requestedAt: Date;
  readonly finishedAt: Date | null;
  readonly message: string | null;
}

/** The pair's look with this id (undefined: none, or another pair's). */
export async function findLook(db: Queryable, pairId: string, id: string): Promise<LookRow | undefined> {
  const { rows } = await db.query<{
    id: string;
    pair_id: string;
    node_name: string;
    parameters: LookParameters;
    state: LookRow["state"];
    requested_at: Date;
    finished_at: Date | null;
    message: string | null;
  }>(
    `SELECT c.id, c.pair_id, n.name AS node_name, c.parameters, c.state, c.requested_at, c.finished_at, c.message
       FROM agent_commands c JOIN nodes n ON n.id = c.node_id
      WHERE c.id = $1 AND c.pair_id = $2 AND c.type = $3`,
    [id, pairId, POINT_IN_TIME_COMMAND],
  );
  const row = rows[0];
  return (
    row && {
      id: row.id,
      pairId: row.pair_id,
      nodeName: row.node_name,
      parameters: row.parameters,
      state: row.state,
      requestedAt: row.requested_at,
      finishedAt: row.finished_at,
      message: row.message,
    }
  );
}
