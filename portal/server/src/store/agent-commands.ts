// agent_commands: work queued for a node's agent (switchover, backup, restore, restore check, the
// pooled databases, a look at a point in time), handed over with the acknowledgement of its next
// report (agent-reports.ts), finished by its result.
import type { BackupRequest, BackupType } from "@pgaas/api";
import type { AgentCommand } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

type CommandType = AgentCommand["type"];
type CommandState = BackupRequest["state"];

export interface NewAgentCommand {
  readonly pairId: string;
  readonly nodeId: string;
  readonly type: CommandType;
  /** The user who asked; null: the control plane's own schedule. */
  readonly requestedBy: string | null;
  readonly parameters?: Record<string, unknown>;
}

export interface QueuedCommand {
  readonly id: string;
  readonly state: CommandState;
  readonly requestedAt: Date;
}

/** Queues a command for the node's agent, pending until its next report. */
export async function enqueueAgentCommand(db: Queryable, command: NewAgentCommand): Promise<QueuedCommand> {
  const { rows } = await db.query<{ id: string; state: CommandState; requested_at: Date }>(
    `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by, parameters)
     VALUES ($1, $2, $3, 'pending', $4, $5) RETURNING id, state, requested_at`,
    [
      command.pairId,
      command.nodeId,
      command.type,
      command.requestedBy,
      JSON.stringify(command.parameters ?? {}),
    ],
  );
  const row = rows[0] as { id: string; state: CommandState; requested_at: Date };
  return { id: row.id, state: row.state, requestedAt: row.requested_at };
}

/**
 * Fails the pair's still-pending commands of this type: a newer one carries the whole truth (the
 * pooled list), and an older one delivered after it would undo it.
 */
export async function supersedePendingCommands(
  db: Queryable,
  pairId: string,
  type: CommandType,
): Promise<void> {
  await db.query(
    `UPDATE agent_commands SET state = 'failed', finished_at = now(), message = 'superseded by a newer command'
      WHERE pair_id = $1 AND type = $2 AND state = 'pending'`,
    [pairId, type],
  );
}

/**
 * The id of the pair's open (pending or delivered) command of this type, if any, once those requested
 * longer than `abandonAfter` (a PostgreSQL interval) ago are failed: an agent that took a command and
 * never answered (crashed, host gone) must not block the pair for good.
 */
export async function openCommandId(
  db: Queryable,
  pairId: string,
  type: CommandType,
  abandonAfter: string,
): Promise<string | undefined> {
  await db.query(
    `UPDATE agent_commands SET state = 'failed', finished_at = now(), message = 'no result within ' || $3::text
      WHERE pair_id = $1 AND type = $2 AND state IN ('pending', 'delivered')
        AND requested_at < now() - $3::text::interval`,
    [pairId, type, abandonAfter],
  );
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM agent_commands WHERE pair_id = $1 AND type = $2 AND state IN ('pending', 'delivered')",
    [pairId, type],
  );
  return rows[0]?.id;
}

interface BackupRequestRow {
  id: string;
  pair_id: string;
  node_name: string;
  backup_type: BackupType | null;
  state: BackupRequest["state"];
  requested_at: Date;
  finished_at: Date | null;
  message: string | null;
}

const BACKUP_REQUEST_COLUMNS = `c.id, c.pair_id, n.name AS node_name, c.parameters->>'backupType' AS backup_type, c.state,
  c.requested_at, c.finished_at, c.message`;

const toBackupRequest = (row: BackupRequestRow): BackupRequest => ({
  id: row.id,
  pairId: row.pair_id,
  nodeName: row.node_name,
  backupType: row.backup_type ?? "full",
  state: row.state,
  requestedAt: row.requested_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  message: row.message,
});

export async function findBackupRequest(db: Queryable, id: string): Promise<BackupRequest> {
  const { rows } = await db.query<BackupRequestRow>(
    `SELECT ${BACKUP_REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id WHERE c.id = $1`,
    [id],
  );
  return toBackupRequest(rows[0] as BackupRequestRow);
}

/** The pair's newest backup commands first. */
export async function listBackupRequests(
  db: Queryable,
  pairId: string,
  limit: number,
): Promise<BackupRequest[]> {
  const { rows } = await db.query<BackupRequestRow>(
    `SELECT ${BACKUP_REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id
      WHERE c.pair_id = $1 AND c.type = 'backup' ORDER BY c.requested_at DESC, c.id LIMIT $2`,
    [pairId, limit],
  );
  return rows.map(toBackupRequest);
}

export interface LockedCommand {
  readonly nodeId: string;
  readonly state: string;
  readonly pairId: string;
  readonly type: CommandType;
  readonly parameters: { backupType?: string };
}

/** The command, locked until the transaction ends, so its result is recorded once. */
export async function lockCommand(db: Queryable, id: string): Promise<LockedCommand | undefined> {
  const { rows } = await db.query<{
    node_id: string;
    state: string;
    pair_id: string;
    type: CommandType;
    parameters: { backupType?: string };
  }>("SELECT node_id, state, pair_id, type, parameters FROM agent_commands WHERE id = $1 FOR UPDATE", [id]);
  const row = rows[0];
  return (
    row && {
      nodeId: row.node_id,
      state: row.state,
      pairId: row.pair_id,
      type: row.type,
      parameters: row.parameters,
    }
  );
}

export async function recordCommandResult(
  db: Queryable,
  id: string,
  result: { outcome: string; startedAt: string; finishedAt: string; message: string },
): Promise<void> {
  await db.query(
    "UPDATE agent_commands SET state = $2, started_at = $3, finished_at = $4, message = $5 WHERE id = $1",
    [id, result.outcome, result.startedAt, result.finishedAt, result.message],
  );
}

export interface AbandonedRestore {
  readonly databaseId: string;
  readonly pairId: string;
  readonly name: string;
  readonly commandId: string;
}

/** Fails open restore commands of restoring databases requested before `now - seconds`. */
export async function failAbandonedRestoreCommands(
  db: Queryable,
  now: Date,
  message: string,
  seconds: number,
): Promise<AbandonedRestore[]> {
  const { rows } = await db.query<{ id: string; pair_id: string; name: string; command_id: string }>(
    `UPDATE agent_commands c SET state = 'failed', finished_at = $1, message = $2
       FROM databases d
      WHERE d.restore_command_id = c.id AND d.state = 'restoring' AND c.state IN ('pending', 'delivered')
        AND c.requested_at < $1::timestamptz - make_interval(secs => $3)
    RETURNING d.id, d.pair_id, d.name, c.id AS command_id`,
    [now, message, seconds],
  );
  return rows.map((row) => ({
    databaseId: row.id,
    pairId: row.pair_id,
    name: row.name,
    commandId: row.command_id,
  }));
}
