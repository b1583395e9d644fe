// access_requests: requests for access to a database, their decision, the grant's roles and the
// sealed credentials waiting for the requester.
import type { AccessRequest, AccessRequestState } from "@pgaas/api";
import type { Queryable } from "./db.js";

export interface AccessRow {
  id: string;
  database_id: string;
  database_name: string;
  database_created_by: string | null;
  pair_id: string;
  requester_id: string;
  requester_email: string;
  level: AccessRequest["level"];
  reason: string;
  state: AccessRequestState;
  role_name: string | null;
  previous_role_name: string | null;
  previous_valid_until: Date | null;
  expires_at: Date | null;
  decided_by: string | null;
  decided_at: Date | null;
  decision_note: string | null;
  credentials_sealed: Buffer | null;
  created_at: Date;
}

const SELECT_ACCESS = `
  SELECT a.*, d.name AS database_name, d.created_by AS database_created_by,
         d.pair_id, u.email AS requester_email
    FROM access_requests a JOIN databases d ON d.id = a.database_id JOIN users u ON u.id = a.requester_id`;

export const toAccessRequest = (row: AccessRow): AccessRequest => ({
  id: row.id,
  databaseId: row.database_id,
  databaseName: row.database_name,
  requesterId: row.requester_id,
  requesterEmail: row.requester_email,
  level: row.level,
  reason: row.reason,
  // The role's VALID UNTIL ends logins at expiry; the listing says so too.
  state:
    row.state === "approved" && row.expires_at !== null && row.expires_at <= new Date()
      ? "expired"
      : row.state,
  roleName: row.role_name,
  previousRoleName: row.previous_role_name,
  previousValidUntil: row.previous_valid_until?.toISOString() ?? null,
  expiresAt: row.expires_at?.toISOString() ?? null,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at?.toISOString() ?? null,
  decisionNote: row.decision_note,
  credentialsAvailable: row.credentials_sealed !== null,
  createdAt: row.created_at.toISOString(),
});

export async function findAccessRequest(db: Queryable, id: string): Promise<AccessRow | undefined> {
  const { rows } = await db.query<AccessRow>(`${SELECT_ACCESS} WHERE a.id = $1`, [id]);
  return rows[0];
}

export interface AccessFilter {
  readonly databaseId: string | null;
  readonly state: AccessRequestState | null;
  /** Every request (an admin), else those `userId` made or that are on databases they created. */
  readonly all: boolean;
  readonly userId: string;
}

export async function listAccessRequests(db: Queryable, filter: AccessFilter): Promise<AccessRow[]> {
  const { rows } = await db.query<AccessRow>(
    `${SELECT_ACCESS}
      WHERE ($1::uuid IS NULL OR a.database_id = $1) AND ($2::text IS NULL OR a.state = $2)
        AND ($3 OR a.requester_id = $4 OR d.created_by = $4)
      ORDER BY a.created_at DESC, a.id`,
    [filter.databaseId, filter.state, filter.all, filter.userId],
  );
  return rows;
}

/** Whether the requester has a pending request or a grant (even expired) on the database. */
export async function hasOpenAccessRequest(
  db: Queryable,
  databaseId: string,
  requesterId: string,
): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM access_requests WHERE database_id = $1 AND requester_id = $2 AND state IN ('pending', 'approved')",
    [databaseId, requesterId],
  );
  return rows.length > 0;
}

export interface NewAccessRequest {
  readonly databaseId: string;
  readonly requesterId: string;
  readonly level: AccessRequest["level"];
  readonly reason: string;
}

/** Records a pending request; answers its id. */
export async function insertAccessRequest(db: Queryable, request: NewAccessRequest): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO access_requests (database_id, requester_id, level, reason, state) VALUES ($1, $2, $3, $4, 'pending') RETURNING id",
    [request.databaseId, request.requesterId, request.level, request.reason],
  );
  return (rows[0] as { id: string }).id;
}

export interface Approval {
  readonly roleName: string;
  readonly expiresAt: string | null;
  readonly decidedBy: string;
  readonly note: string | null;
  readonly credentialsSealed: Buffer;
}

export async function approveAccessRequest(db: Queryable, id: string, approval: Approval): Promise<void> {
  await db.query(
    `UPDATE access_requests SET state = 'approved', role_name = $2, expires_at = $3, decided_by = $4,
            decided_at = now(), decision_note = $5, credentials_sealed = $6 WHERE id = $1`,
    [
      id,
      approval.roleName,
      approval.expiresAt,
      approval.decidedBy,
      approval.note,
      approval.credentialsSealed,
    ],
  );
}

export async function denyAccessRequest(
  db: Queryable,
  id: string,
  decidedBy: string,
  note: string | null,
): Promise<void> {
  await db.query(
    "UPDATE access_requests SET state = 'denied', decided_by = $2, decided_at = now(), decision_note = $3 WHERE id = $1",
    [id, decidedBy, note],
  );
}

export async function revokeAccessRequest(db: Queryable, id: string): Promise<void> {
  await db.query("UPDATE access_requests SET state = 'revoked', credentials_sealed = NULL WHERE id = $1", [
    id,
  ]);
}

/** Revokes the database's pending requests and grants (the database is gone). */
export async function revokeDatabaseAccessRequests(db: Queryable, databaseId: string): Promise<void> {
  await db.query(
    "UPDATE access_requests SET state = 'revoked', credentials_sealed = NULL WHERE database_id = $1 AND state IN ('pending', 'approved')",
    [databaseId],
  );
}

export interface Rotation {
  readonly roleName: string;
  readonly previousRoleName: string;
  readonly previousValidUntil: Date;
  readonly credentialsSealed: Buffer;
}

/**
 * Records a rotation unless the grant's role moved meanwhile (a concurrent rotation); answers whether
 * it was recorded.
 */
export async function recordRotation(db: Queryable, id: string, rotation: Rotation): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE access_requests SET role_name = $2, previous_role_name = $3, previous_valid_until = $4,
            credentials_sealed = $5 WHERE id = $1 AND role_name = $3`,
    [
      id,
      rotation.roleName,
      rotation.previousRoleName,
      rotation.previousValidUntil,
      rotation.credentialsSealed,
    ],
  );
  return rowCount === 1;
}

/** Clears the sealed credentials; answers whether there were any (shown once, even concurrently). */
export async function clearCredentials(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "UPDATE access_requests SET credentials_sealed = NULL WHERE id = $1 AND credentials_sealed IS NOT NULL",
    [id],
  );
  return rowCount === 1;
}

/** Pending requests on active databases, not the user's own: all of them (`all`) or on theirs. */
export async function pendingAccessCount(db: Queryable, all: boolean, userId: string): Promise<number> {
  const { rows } = await db.query<{ pending: number }>(
    `SELECT count(*)::int AS pending FROM access_requests a JOIN databases d ON d.id = a.database_id
      WHERE a.state = 'pending' AND d.state = 'active' AND a.requester_id <> $2
        AND ($1 OR d.created_by = $2)`,
    [all, userId],
  );
  return rows[0]?.pending ?? 0;
}

/** The role of the requester's live (approved, unexpired) grant on the database, if any. */
export async function liveGrantRole(
  db: Queryable,
  databaseId: string,
  requesterId: string,
): Promise<string | undefined> {
  const { rows } = await db.query<{ role_name: string }>(
    `SELECT role_name FROM access_requests WHERE database_id = $1 AND requester_id = $2 AND state = 'approved'
        AND role_name IS NOT NULL AND (expires_at IS NULL OR expires_at > now())`,
    [databaseId, requesterId],
  );
  return rows[0]?.role_name;
}

/** Whether the requester holds a live (approved, unexpired) grant on the database. */
export async function hasLiveGrant(db: Queryable, databaseId: string, requesterId: string): Promise<boolean> {
  const { rows } = await db.query(
    "SELECT 1 FROM access_requests WHERE database_id = $1 AND requester_id = $2 AND state = 'approved' AND (expires_at IS NULL OR expires_at > now())",
    [databaseId, requesterId],
  );
  return rows.length > 0;
}

/** Every role of the database's approved grants, a rotated grant's previous role included. */
export async function grantRoles(db: Queryable, databaseId: string): Promise<string[]> {
  const { rows } = await db.query<{ role_name: string }>(
    `SELECT r.role_name FROM access_requests a
       CROSS JOIN LATERAL unnest(ARRAY[a.role_name, a.previous_role_name]) AS r(role_name)
      WHERE a.database_id = $1 AND a.state = 'approved' AND r.role_name IS NOT NULL`,
    [databaseId],
  );
  return rows.map((row) => row.role_name);
}

/** Names of the databases the user holds approved grants on, by name. */
export async function grantedDatabaseNames(db: Queryable, requesterId: string): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT DISTINCT d.name FROM access_requests a JOIN databases d ON d.id = a.database_id
      WHERE a.requester_id = $1 AND a.state = 'approved' ORDER BY d.name`,
    [requesterId],
  );
  return rows.map((row) => row.name);
}
