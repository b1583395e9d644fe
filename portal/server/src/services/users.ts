// Users, sessions and API tokens.

import type {
  ApiToken,
  CreateApiTokenRequest,
  CreateApiTokenResponse,
  CreateUserRequest,
  UpdateUserRequest,
  User,
} from "@pgaas/api";
import { ConflictError, NotFoundError, Secret, UnauthenticatedError } from "@pgaas/common";
import { hashUserPassword, verifyNoUser, verifyUserPassword } from "../crypto/passwords.js";
import { newToken, tokenHash } from "../crypto/tokens.js";
import { grantedDatabaseNames } from "../store/access-requests.js";
import { deleteApiToken, insertApiToken, listApiTokens, userByApiToken } from "../store/api-tokens.js";
import { activeDatabaseNamesCreatedBy } from "../store/databases.js";
import type { Queryable, Store } from "../store/db.js";
import {
  deleteSession,
  deleteUser,
  deleteUserSessions,
  findUser,
  findUserByEmail,
  insertFirstAdmin,
  insertSession,
  insertUser,
  listUsers,
  lockEnabledAdmins,
  publicUser,
  updateUser,
  userBySession,
} from "../store/users.js";
import type { UserActor } from "./actor.js";
import type { LoginThrottle } from "./login-throttle.js";

const SESSION_TTL_MS = 12 * 3600_000;

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === "23505";
const isForeignKeyViolation = (error: unknown) => (error as { code?: string }).code === "23503";

/**
 * Locks every enabled admin (so two admins demoting each other run one after the other) and refuses
 * when `id` is the only one left.
 */
async function keepAnAdmin(db: Queryable, id: string): Promise<void> {
  const admins = await lockEnabledAdmins(db);
  if (admins.length === 1 && admins[0] === id) {
    throw new ConflictError("the last enabled admin cannot be demoted, disabled or deleted", {
      code: "last_admin",
    });
  }
}

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
    const row = await findUser(store, id);
    if (row === undefined) throw new NotFoundError("user not found");
    return publicUser(row);
  };

  return {
    async ensureInitialAdmin(email, password) {
      const hash = await hashUserPassword(password);
      return insertFirstAdmin(store, email.toLowerCase(), hash);
    },

    async login(email, password, client) {
      throttle.admit(email, client);
      const row = await findUserByEmail(store, email);
      const ok =
        row === undefined
          ? await verifyNoUser(password)
          : (await verifyUserPassword(row.passwordHash, password)) && !row.disabled;
      if (!ok || row === undefined) {
        throw new UnauthenticatedError("wrong email or password", { code: "invalid_credentials" });
      }
      throttle.succeeded(email, client);
      const session = newToken("sess");
      await insertSession(store, tokenHash(session.reveal()), row.id, new Date(Date.now() + SESSION_TTL_MS));
      return { user: publicUser(row), session };
    },

    async logout(session) {
      await deleteSession(store, tokenHash(session));
    },

    async bySession(session) {
      const row = await userBySession(store, tokenHash(session));
      return row && { kind: "user", id: row.id, email: row.email, role: row.role, via: { kind: "session" } };
    },

    async byApiToken(token) {
      const row = await userByApiToken(store, tokenHash(token));
      return (
        row && {
          kind: "user",
          id: row.id,
          email: row.email,
          role: row.role,
          via: { kind: "token", name: row.tokenName },
        }
      );
    },

    get,

    async list() {
      return (await listUsers(store)).map(publicUser);
    },

    async create(request) {
      const hash = await hashUserPassword(new Secret(request.password));
      try {
        return publicUser(
          await insertUser(store, { email: request.email, passwordHash: hash, role: request.role }),
        );
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
        const row = await updateUser(client, id, {
          role: request.role ?? null,
          passwordHash: hash,
          disabled: request.disabled ?? null,
        });
        if (row === undefined) throw new NotFoundError("user not found");
        // A disabled user or a changed password ends every open session.
        if (request.disabled === true || hash !== null) await deleteUserSessions(client, id);
        return publicUser(row);
      });
    },

    async remove(actor, id) {
      if (id === actor.id)
        throw new ConflictError("you cannot delete your own account", { code: "cannot_delete_self" });
      return store.transaction(async (client) => {
        await keepAnAdmin(client, id);
        // The row lock holds off a concurrent re-enable, and a new database or request row naming this
        // user waits for the delete and then fails its foreign key.
        const row = await findUser(client, id, true);
        if (row === undefined) throw new NotFoundError("user not found");
        // Disabled first: their sessions are gone and their tokens refused, so nothing they started
        // (a database being created) is still in flight.
        if (!row.disabled)
          throw new ConflictError("disable the user before deleting them", { code: "user_not_disabled" });
        const owned = await activeDatabaseNamesCreatedBy(client, id);
        if (owned.length > 0) {
          throw new ConflictError("the user owns live databases: delete them first", {
            code: "database_owner_exists",
            details: { databases: owned },
          });
        }
        const granted = await grantedDatabaseNames(client, id);
        if (granted.length > 0) {
          throw new ConflictError("the user holds access grants: revoke them first", {
            code: "grant_holder",
            details: { databases: granted },
          });
        }
        try {
          // Sessions, API tokens and the remaining (pending, denied, revoked) requests cascade.
          await deleteUser(client, id);
        } catch (error) {
          if (isForeignKeyViolation(error))
            throw new ConflictError("the user is still referenced", { code: "user_in_use", cause: error });
          throw error;
        }
        return publicUser(row);
      });
    },

    async listTokens(userId) {
      return listApiTokens(store, userId);
    },

    async createToken(userId, request) {
      const secret = newToken("api");
      const token = await insertApiToken(store, {
        userId,
        name: request.name,
        prefix: secret.reveal().slice(0, 14),
        tokenHash: tokenHash(secret.reveal()),
        expiresAt: request.expiresAt ?? null,
      });
      return { token, secret: secret.reveal() };
    },

    async deleteToken(userId, tokenId) {
      if (!(await deleteApiToken(store, userId, tokenId))) throw new NotFoundError("token not found");
    },
  };
}
