// users and their sessions: accounts with password hashes, roles and the disabled flag.
import type { User, UserRole } from "@pgaas/api";
import type { Queryable } from "./db.js";

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  created_at: Date;
  password_hash: string;
}

/** A user with the password hash, which never leaves the server. */
export interface StoredUser extends User {
  readonly passwordHash: string;
}

const toUser = (row: UserRow): StoredUser => ({
  id: row.id,
  email: row.email,
  role: row.role,
  disabled: row.disabled,
  createdAt: row.created_at.toISOString(),
  passwordHash: row.password_hash,
});

/** The API's view: everything but the hash. */
export const publicUser = (user: StoredUser): User => ({
  id: user.id,
  email: user.email,
  role: user.role,
  disabled: user.disabled,
  createdAt: user.createdAt,
});

/** The user, optionally locked until the transaction ends. */
export async function findUser(db: Queryable, id: string, lock = false): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>(`SELECT * FROM users WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ]);
  return rows[0] && toUser(rows[0]);
}

export async function findUserByEmail(db: Queryable, email: string): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>("SELECT * FROM users WHERE email = $1", [email]);
  return rows[0] && toUser(rows[0]);
}

export async function listUsers(db: Queryable): Promise<StoredUser[]> {
  const { rows } = await db.query<UserRow>("SELECT * FROM users ORDER BY created_at, email");
  return rows.map(toUser);
}

/** Creates the admin unless an admin exists or the email is taken; answers whether it did. */
export async function insertFirstAdmin(db: Queryable, email: string, passwordHash: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO users (email, password_hash, role)
     SELECT $1, $2, 'admin' WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
     ON CONFLICT (email) DO NOTHING`,
    [email, passwordHash],
  );
  return rowCount === 1;
}

export async function insertUser(
  db: Queryable,
  user: { email: string; passwordHash: string; role: UserRole },
): Promise<StoredUser> {
  const { rows } = await db.query<UserRow>(
    "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING *",
    [user.email, user.passwordHash, user.role],
  );
  return toUser(rows[0] as UserRow);
}

/** Changes the given fields (null: unchanged); undefined when there is no such user. */
export async function updateUser(
  db: Queryable,
  id: string,
  change: { role: UserRole | null; passwordHash: string | null; disabled: boolean | null },
): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>(
    `UPDATE users SET role = coalesce($2, role), password_hash = coalesce($3, password_hash),
            disabled = coalesce($4, disabled)
      WHERE id = $1 RETURNING *`,
    [id, change.role, change.passwordHash, change.disabled],
  );
  return rows[0] && toUser(rows[0]);
}

/** Sessions, API tokens and the remaining access requests cascade. */
export async function deleteUser(db: Queryable, id: string): Promise<void> {
  await db.query("DELETE FROM users WHERE id = $1", [id]);
}

/** Locks every enabled admin until the transaction ends; answers their ids. */
export async function lockEnabledAdmins(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE",
  );
  return rows.map((row) => row.id);
}

export async function insertSession(
  db: Queryable,
  tokenHash: Buffer,
  userId: string,
  expiresAt: Date,
): Promise<void> {
  await db.query("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", [
    tokenHash,
    userId,
    expiresAt,
  ]);
}

export async function deleteSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash]);
}

export async function deleteUserSessions(db: Queryable, userId: string): Promise<void> {
  await db.query("DELETE FROM sessions WHERE user_id = $1", [userId]);
}

/** The enabled user of an unexpired session. */
export async function userBySession(db: Queryable, tokenHash: Buffer): Promise<StoredUser | undefined> {
  const { rows } = await db.query<UserRow>(
    `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
    [tokenHash],
  );
  return rows[0] && toUser(rows[0]);
}
