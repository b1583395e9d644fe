// Users, sessions and API tokens.

import type {
  ApiToken,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  CreateUserRequest,
  UpdateUserRequest,
  User,
  UserRole,
} from "@pgaas/api";
import { ConflictError, NotFoundError, Secret, UnauthenticatedError } from "@pgaas/common";
import { hashUserPassword, verifyNoUser, verifyUserPassword } from "../crypto/passwords.js";
import { newToken, tokenHash } from "../crypto/tokens.js";
import type { Queryable, Store } from "../store/db.js";
import type { UserActor } from "./actor.js";
import type { LoginThrottle } from "./login-throttle.js";

const SESSION_TTL_MS = 12 * 3600_000;

interface UserRow {
  id: string;
  email: string;
  role: UserRole;
  disabled: boolean;
  created_at: Date;
  password_hash: string;
}

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  role: row.role,
  disabled: row.disabled,
  createdAt: row.created_at.toISOString(),
});

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
});

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";
const isForeignKeyViolation = (error: unknown) => (error as { code?: string }).code === "23503";

/**
 * Locks every enabled admin (so two admins demoting each other run one after the other) and refuses
 * when `id` is the only one left.
 */
async function keepAnAdmin(db: Queryable, id: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM users WHERE role = 'admin' AND NOT disabled ORDER BY id FOR UPDATE",
  );
  if (rows.length === 1 && rows[0]?.id === id) {
    throw new ConflictError("the last enabled admin cannot be demoted, disabled or deleted", {
      code: "last_admin",
    });
  }
}

const names = (rows: readonly { name: string }[]) => rows.map((row) => row.name);

export interface Users {
  ensureInitialAdmin(email: string, password: Secret): Promise<boolean>;
  login(email: string, password: Secret, client: string): Promise<{ user: User; session: Secret }>;
  logout(session: string): Promise<void>;
  bySession(session: string): Promise<UserActor | undefined>;
  byApiToken(token: string): Promise<UserActor | undefined>;
  get(id: string): Promise<User>;
  list(): Promise<User[]>;
  create(request: CreateUserRequest): Promise<User>;
  /** Refuses to leave no enabled admin (last_admin). */
  update(id: string, request: UpdateUserRequest): Promise<User>;
  /**
   * Deletes a disabled user with their sessions, API tokens and pending requests; refused for oneself,
   * while they own live databases or hold approved grants (a tenant database or role is never left
   * without its portal record). Returns the deleted user, for the audit record.
   */
  remove(actor: UserActor, id: string): Promise<User>;
  listTokens(userId: string): Promise<ApiToken[]>;
  createToken(userId: string, request: CreateApiTokenRequest): Promise<CreateApiTokenResponse>;
  deleteToken(userId: string, tokenId: string): Promise<void>;
}

export function createUsers(store: Store, throttle: LoginThrottle): Users {
  const get = async (id: string): Promise<User> => {
    const { rows } = await store.query<UserRow>("SELECT * FROM users WHERE id = $1", [id]);
    const row = rows[0];
    if (row === undefined) throw new NotFoundError("user not found");
    return toUser(row);
  };

  return {
    async ensureInitialAdmin(email, password) {
      const hash = await hashUserPassword(password);
      const { rowCount } = await store.query(
        `INSERT INTO users (email, password_hash, role)
         SELECT $1, $2, 'admin' WHERE NOT EXISTS (SELECT 1 FROM users WHERE role = 'admin')
         ON CONFLICT (email) DO NOTHING`,
        [email.toLowerCase(), hash],
      );
      return rowCount === 1;
    },

    async login(email, password, client) {
      throttle.admit(email, client);
      const { rows } = await store.query<UserRow>("SELECT * FROM users WHERE email = $1", [email]);
      const row = rows[0];
      const ok =
        row === undefined
          ? await verifyNoUser(password)
          : (await verifyUserPassword(row.password_hash, password)) && !row.disabled;
      if (!ok || row === undefined) {
        throw new UnauthenticatedError("wrong email or password", { code: "invalid_credentials" });
      }
      throttle.succeeded(email, client);
      const session = newToken("sess");
      await store.query("INSERT INTO sessions (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", [
        tokenHash(session.reveal()),
        row.id,
        new Date(Date.now() + SESSION_TTL_MS),
      ]);
      return { user: toUser(row), session };
    },

    async logout(session) {
      await store.query("DELETE FROM sessions WHERE token_hash = $1", [tokenHash(session)]);
    },

    async bySession(session) {
      const { rows } = await store.query<UserRow>(
        `SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT u.disabled`,
        [tokenHash(session)],
      );
      const row = rows[0];
      return row && { kind: "user", id: row.id, email: row.email, role: row.role, via: { kind: "session" } };
    },

    async byApiToken(token) {
      const { rows } = await store.query<UserRow & { token_name: string }>(
        `UPDATE api_tokens t SET last_used_at = now() FROM users u
          WHERE t.token_hash = $1 AND u.id = t.user_id AND NOT u.disabled
            AND (t.expires_at IS NULL OR t.expires_at > now())
          RETURNING u.*, t.name AS token_name`,
        [tokenHash(token)],
      );
      const row = rows[0];
      return (
        row && {
          kind: "user",
          id: row.id,
          email: row.email,
          role: row.role,
          via: { kind: "token", name: row.token_name },
        }
      );
    },

    get,

    async list() {
      const { rows } = await store.query<UserRow>("SELECT * FROM users ORDER BY created_at, email");
      return rows.map(toUser);
    },

    async create(request) {
      const hash = await hashUserPassword(new Secret(request.password));
      try {
        const { rows } = await store.query<UserRow>(
          "INSERT INTO users (email, password_hash, role) VALUES ($1, $2, $3) RETURNING *",
          [request.email, hash, request.role],
        );
        return toUser(rows[0] as UserRow);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new ConflictError("a user with this email exists", {
            code: "user_exists",
            field: "email",
          });
        throw error;
      }
    },

    async update(id, request) {
      const hash =
        request.password === undefined ? null : await hashUserPassword(new Secret(request.password));
      return store.transaction(async (client) => {
        if (request.role === "member" || request.disabled === true) await keepAnAdmin(client, id);
        const { rows } = await client.query<UserRow>(
          `UPDATE users SET role = coalesce($2, role), password_hash = coalesce($3, password_hash),
                  disabled = coalesce($4, disabled)
            WHERE id = $1 RETURNING *`,
          [id, request.role ?? null, hash, request.disabled ?? null],
        );
        const row = rows[0];
        if (row === undefined) throw new NotFoundError("user not found");
        // A disabled user or a changed password ends every open session.
        if (request.disabled === true || hash !== null)
          await client.query("DELETE FROM sessions WHERE user_id = $1", [id]);
        return toUser(row);
      });
    },

    async remove(actor, id) {
      if (id === actor.id)
        throw new ConflictError("you cannot delete your own account", { code: "cannot_delete_self" });
      return store.transaction(async (client) => {
        await keepAnAdmin(client, id);
        // The row lock holds off a concurrent re-enable, and a new database or request row naming this
        // user waits for the delete and then fails its foreign key.
        const { rows } = await client.query<UserRow>("SELECT * FROM users WHERE id = $1 FOR UPDATE", [id]);
        const row = rows[0];
        if (row === undefined) throw new NotFoundError("user not found");
        // Disabled first: their sessions are gone and their tokens refused, so nothing they started
        // (a database being created) is still in flight.
        if (!row.disabled)
          throw new ConflictError("disable the user before deleting them", { code: "user_not_disabled" });
        const { rows: owned } = await client.query<{ name: string }>(
          "SELECT name FROM databases WHERE created_by = $1 AND state = 'active' ORDER BY name",
          [id],
        );
        if (owned.length > 0) {
          throw new ConflictError("the user owns live databases: delete them first", {
            code: "database_owner_exists",
            details: { databases: names(owned) },
          });
        }
        const { rows: granted } = await client.query<{ name: string }>(
          `SELECT DISTINCT d.name FROM access_requests a JOIN databases d ON d.id = a.database_id
            WHERE a.requester_id = $1 AND a.state = 'approved' ORDER BY d.name`,
          [id],
        );
        if (granted.length > 0) {
          throw new ConflictError("the user holds access grants: revoke them first", {
            code: "grant_holder",
            details: { databases: names(granted) },
          });
        }
        try {
          // Sessions, API tokens and the remaining (pending, denied, revoked) requests cascade.
          await client.query("DELETE FROM users WHERE id = $1", [id]);
        } catch (error) {
          if (isForeignKeyViolation(error))
            throw new ConflictError("the user is still referenced", { code: "user_in_use", cause: error });
          throw error;
        }
        return toUser(row);
      });
    },

    async listTokens(userId) {
      const { rows } = await store.query<TokenRow>(
        "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
        [userId],
      );
      return rows.map(toToken);
    },

    async createToken(userId, request) {
      const secret = newToken("api");
      const { rows } = await store.query<TokenRow>(
        `INSERT INTO api_tokens (user_id, name, prefix, token_hash, expires_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING *`,
        [
          userId,
          request.name,
          secret.reveal().slice(0, 14),
          tokenHash(secret.reveal()),
          request.expiresAt ?? null,
        ],
      );
      return { token: toToken(rows[0] as TokenRow), secret: secret.reveal() };
    },

    async deleteToken(userId, tokenId) {
      const { rowCount } = await store.query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2", [
        tokenId,
        userId,
      ]);
      if (rowCount !== 1) throw new NotFoundError("token not found");
    },
  };
}
