// databases: tenant database records (live, restoring, deleted, restore_failed) with the metrics of the
// pair's current primary.
import type { Database, ParameterMap } from "@pgaas/api";
import type { Queryable } from "./db.js";

export interface DatabaseRow {
  id: string;
  pair_id: string;
  pair_name: string;
  endpoint_host: string;
  endpoint_port: number;
  ca_certificate: string | null;
  name: string;
  owner: string;
  created_by: string | null;
  state: Database["state"];
  settings: ParameterMap;
  connection_limit: number;
  created_at: Date;
  deleted_at: Date | null;
  restored_from: string | null;
  restore_target: Date | null;
  error: string | null;
  metrics_at: Date | null;
  metrics: {
    sizeBytes: number;
    connections: { active: number; idle: number; idleInTransaction: number; other: number };
  } | null;
}

// Metrics come from the current primary's latest report (the standby reports the same databases).
const SELECT_DATABASES = `
  SELECT d.*, p.name AS pair_name, p.endpoint_host, p.endpoint_port, p.ca_certificate, m.sampled_at AS metrics_at, m.metrics
    FROM databases d JOIN pairs p ON p.id = d.pair_id
    LEFT JOIN LATERAL (
      SELECT dl.sampled_at, dl.metrics FROM database_latest dl
        JOIN nodes n ON n.id = dl.node_id LEFT JOIN node_state s ON s.node_id = n.id
       WHERE n.pair_id = d.pair_id AND dl.database_name = d.name AND d.state = 'active'
       ORDER BY coalesce(s.writable, false) DESC, dl.sampled_at DESC LIMIT 1) m ON true`;

export const toDatabase = (row: DatabaseRow): Database => ({
  id: row.id,
  pairId: row.pair_id,
  pairName: row.pair_name,
  name: row.name,
  owner: row.owner,
  createdBy: row.created_by,
  state: row.state,
  settings: row.settings,
  connectionLimit: row.connection_limit,
  sizeBytes: row.metrics?.sizeBytes ?? null,
  connections: row.metrics?.connections ?? null,
  metricsAt: row.metrics_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
  deletedAt: row.deleted_at?.toISOString() ?? null,
  restoredFrom: row.restored_from,
  restoreTarget: row.restore_target?.toISOString() ?? null,
  error: row.error,
});

export async function findDatabase(db: Queryable, id: string): Promise<DatabaseRow | undefined> {
  const { rows } = await db.query<DatabaseRow>(`${SELECT_DATABASES} WHERE d.id = $1`, [id]);
  return rows[0];
}

export interface DatabaseFilter {
  readonly pairId: string | null;
  readonly includeDeleted: boolean;
  /** Every database (an admin), else only those `userId` created or holds a live grant on. */
  readonly all: boolean;
  readonly userId: string;
}

export async function listDatabases(db: Queryable, filter: DatabaseFilter): Promise<DatabaseRow[]> {
  const { rows } = await db.query<DatabaseRow>(
    `${SELECT_DATABASES}
      WHERE ($1::uuid IS NULL OR d.pair_id = $1) AND ($2 OR d.state IN ('active', 'restoring'))
        AND ($3 OR d.created_by = $4 OR EXISTS (SELECT 1 FROM access_requests a WHERE a.database_id = d.id
              AND a.requester_id = $4 AND a.state = 'approved' AND (a.expires_at IS NULL OR a.expires_at > now())))
      ORDER BY p.name, d.name, d.created_at`,
    [filter.pairId, filter.includeDeleted, filter.all, filter.userId],
  );
  return rows;
}

/** Names of live (active or restoring) databases on the pair with this name or this owner. */
export async function liveNamesTaken(
  db: Queryable,
  pairId: string,
  name: string,
  owner: string,
): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT name FROM databases WHERE pair_id = $1 AND state IN ('active', 'restoring') AND (name = $2 OR owner = $3)",
    [pairId, name, owner],
  );
  return rows.map((row) => row.name);
}

/** Live (active or restoring) databases per pair. */
export async function liveDatabaseCounts(
  db: Queryable,
  pairIds: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await db.query<{ pair_id: string; count: number }>(
    `SELECT pair_id, count(*)::int AS count FROM databases WHERE state IN ('active', 'restoring') AND pair_id = ANY($1::uuid[]) GROUP BY pair_id`,
    [pairIds],
  );
  return new Map(rows.map((row) => [row.pair_id, row.count]));
}

/** Names of the user's active databases, by name. */
export async function activeDatabaseNamesCreatedBy(db: Queryable, userId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    "SELECT name FROM databases WHERE created_by = $1 AND state = 'active' ORDER BY name",
    [userId],
  );
  return rows.map((row) => row.name);
}

/** An active database with its pair's name. */
export async function activeDatabaseTarget(
  db: Queryable,
  id: string,
): Promise<{ id: string; name: string; pairName: string } | undefined> {
  const { rows } = await db.query<{ id: string; name: string; pair_name: string }>(
    `SELECT d.id, d.name, p.name AS pair_name FROM databases d JOIN pairs p ON p.id = d.pair_id
      WHERE d.id = $1 AND d.state = 'active'`,
    [id],
  );
  const row = rows[0];
  return row && { id: row.id, name: row.name, pairName: row.pair_name };
}

export interface NewDatabase {
  readonly pairId: string;
  readonly name: string;
  readonly owner: string;
  readonly createdBy: string;
  readonly settings: ParameterMap;
  readonly connectionLimit: number;
}

/** Records an active database; answers its id. */
export async function insertDatabase(db: Queryable, database: NewDatabase): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO databases (pair_id, name, owner, created_by, state, settings, connection_limit)
     VALUES ($1, $2, $3, $4, 'active', $5, $6) RETURNING id`,
    [
      database.pairId,
      database.name,
      database.owner,
      database.createdBy,
      JSON.stringify(database.settings),
      database.connectionLimit,
    ],
  );
  return (rows[0] as { id: string }).id;
}

export interface NewRestoredDatabase {
  readonly pairId: string;
  readonly name: string;
  readonly owner: string;
  readonly createdBy: string;
  readonly restoredFrom: string;
  readonly restoreTarget: string | null;
  readonly restoreCommandId: string;
}

/** Records a database being restored by the command; answers its id. */
export async function insertRestoringDatabase(db: Queryable, database: NewRestoredDatabase): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO databases (pair_id, name, owner, created_by, state, settings, connection_limit,
                            restored_from, restore_target, restore_command_id)
     VALUES ($1, $2, $3, $4, 'restoring', '{}', -1, $5, $6, $7) RETURNING id`,
    [
      database.pairId,
      database.name,
      database.owner,
      database.createdBy,
      database.restoredFrom,
      database.restoreTarget,
      database.restoreCommandId,
    ],
  );
  return (rows[0] as { id: string }).id;
}

/** New settings; a null connection limit keeps the current one. */
export async function updateDatabaseSettings(
  db: Queryable,
  id: string,
  settings: ParameterMap,
  connectionLimit: number | null,
): Promise<void> {
  await db.query(
    "UPDATE databases SET settings = $2, connection_limit = coalesce($3, connection_limit) WHERE id = $1",
    [id, JSON.stringify(settings), connectionLimit],
  );
}

/** Keeps the record of a dropped database with its deletion point. */
export async function markDatabaseDeleted(db: Queryable, id: string, at: Date, lsn: string): Promise<void> {
  await db.query("UPDATE databases SET state = 'deleted', deleted_at = $2, deleted_lsn = $3 WHERE id = $1", [
    id,
    at,
    lsn,
  ]);
}

/**
 * The agent's result for a restore command: the record becomes active, or restore_failed with the
 * agent's message. Answers the record's id when it failed.
 */
export async function recordRestoreResult(
  db: Queryable,
  commandId: string,
  succeeded: boolean,
  message: string,
): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(
    `UPDATE databases SET state = CASE WHEN $2 THEN 'active' ELSE 'restore_failed' END,
            error = CASE WHEN $2 THEN NULL ELSE $3 END
      WHERE restore_command_id = $1 AND state = 'restoring' RETURNING id`,
    [commandId, succeeded, message],
  );
  return succeeded ? null : (rows[0]?.id ?? null);
}
