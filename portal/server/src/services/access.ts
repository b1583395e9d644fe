// Access requests: request → approve (login role + grants, credentials held sealed until the
// requester collects them once) or deny → revoke.

import type {
  AccessCredentialsResponse,
  AccessRequest,
  AccessRequestState,
  AccessTarget,
  ApproveAccessRequest,
  CreateAccessRequest,
  DenyAccessRequest,
} from "@pgaas/api";
import { ConflictError, ForbiddenError, type Logger, NotFoundError, type Secret } from "@pgaas/common";
import type { SecretBox } from "../crypto/cipher.js";
import { scramVerifier } from "../crypto/scram.js";
import { newPassword } from "../crypto/tokens.js";
import { grantAccessSql } from "../managed/access-sql.js";
import { createTenantRoleSql, dropRoleSql } from "../managed/database-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import {
  type AccessRow,
  approveAccessRequest,
  clearCredentials,
  denyAccessRequest,
  findAccessRequest,
  hasOpenAccessRequest,
  insertAccessRequest,
  listAccessRequests,
  pendingAccessCount,
  recordRotation,
  revokeAccessRequest,
  toAccessRequest,
} from "../store/access-requests.js";
import { activeDatabaseTarget } from "../store/databases.js";
import type { Store } from "../store/db.js";
import { findPair } from "../store/pairs.js";
import { isAdmin, type UserActor } from "./actor.js";
import type { CertificateGrant, ClientCertificates } from "./client-certificates.js";
import { credentialsReply, type Databases, pairEndpoint } from "./databases.js";
import { overlapEnd, removeLogins, rotatedRoleName, rotateLogin } from "./login-rotation.js";
import type { Pairs } from "./pairs.js";

/** `<database>_ro_<6 hex>` / `_rw_`: unique, recognisable, within PostgreSQL's 63 characters. */
export function accessRoleName(database: string, level: AccessRequest["level"], requestId: string): string {
  return `${database.slice(0, 48)}_${level === "read_only" ? "ro" : "rw"}_${requestId.replaceAll("-", "").slice(0, 6)}`;
}

export interface Access {
  create(actor: UserActor, request: CreateAccessRequest): Promise<AccessRequest>;
  list(
    actor: UserActor,
    query: { databaseId?: string; state?: AccessRequestState },
  ): Promise<AccessRequest[]>;
  approve(actor: UserActor, id: string, request: ApproveAccessRequest): Promise<AccessRequest>;
  deny(actor: UserActor, id: string, request: DenyAccessRequest): Promise<AccessRequest>;
  revoke(actor: UserActor, id: string): Promise<AccessRequest>;
  collect(actor: UserActor, id: string): Promise<AccessCredentialsResponse>;
  /**
   * A new role and password for the grant, held sealed for the requester to collect once; the previous
   * role logs in until the overlap ends.
   */
  rotate(actor: UserActor, id: string, request: { overlapMinutes: number }): Promise<AccessRequest>;
  /** Pending requests the actor may decide (never their own): the portal's badge. */
  pendingCount(actor: UserActor): Promise<number>;
  /** The live database a request link points at, by name: any signed-in user holding the link. */
  target(databaseId: string): Promise<AccessTarget>;
  /** A grant the actor can see, as the client-certificate actions need it (404 otherwise). */
  grantFor(actor: UserActor, id: string): Promise<CertificateGrant>;
}

export function createAccess(
  store: Store,
  box: SecretBox,
  pairs: Pairs,
  databases: Databases,
  logger: Logger,
  certificates: Pick<ClientCertificates, "revokeForGrant">,
): Access {
  const sealContext = (id: string) => `access:${id}`;
  const row = async (id: string): Promise<AccessRow> => {
    const found = await findAccessRequest(store, id);
    if (found === undefined)
      throw new NotFoundError("access request not found", { code: "access_request_not_found" });
    return found;
  };
  const mayDecide = (actor: UserActor, found: AccessRow) =>
    isAdmin(actor) || found.database_created_by === actor.id;
  // Requesters see their own requests; deciders see those on their databases; others get 404.
  const visible = async (actor: UserActor, id: string) => {
    const found = await row(id);
    if (found.requester_id !== actor.id && !mayDecide(actor, found)) {
      throw new NotFoundError("access request not found", { code: "access_request_not_found" });
    }
    return found;
  };
  const decidable = async (actor: UserActor, id: string, expected: AccessRequestState) => {
    const found = await visible(actor, id);
    if (!mayDecide(actor, found)) throw new ForbiddenError("only the database owner or an admin may decide");
    if (found.state !== expected) {
      throw new ConflictError(`the request is ${found.state}, not ${expected}`, {
        code: "invalid_state",
        details: { state: found.state },
      });
    }
    return found;
  };

  return {
    async create(actor, request) {
      const database = await databases.row(request.databaseId);
      if (database.state !== "active")
        throw new NotFoundError("database not found", { code: "database_not_found" });
      if (database.created_by === actor.id)
        throw new ConflictError("you own this database", { code: "already_owner" });
      if (await hasOpenAccessRequest(store, request.databaseId, actor.id))
        throw new ConflictError("you already have an open request or a grant", { code: "request_exists" });
      const id = await insertAccessRequest(store, {
        databaseId: request.databaseId,
        requesterId: actor.id,
        level: request.level,
        reason: request.reason,
      });
      return toAccessRequest(await row(id));
    },

    async list(actor, query) {
      const rows = await listAccessRequests(store, {
        databaseId: query.databaseId ?? null,
        state: query.state ?? null,
        all: isAdmin(actor),
        userId: actor.id,
      });
      return rows.map(toAccessRequest);
    },

    async approve(actor, id, request) {
      const found = await decidable(actor, id, "pending");
      const role = accessRoleName(found.database_name, found.level, found.id);
      const password = newPassword();
      await onPrimary(await pairs.access(found.pair_id), {
        database: "postgres",
        idempotent: false,
        async run(client) {
          await client.query(createTenantRoleSql(role, scramVerifier(password), request.expiresAt ?? null));
        },
      });
      try {
        await onPrimary(await pairs.access(found.pair_id), {
          database: found.database_name,
          idempotent: true,
          run: (client) => client.query(grantAccessSql(role, found.level)),
        });
      } catch (error) {
        await onPrimary(await pairs.access(found.pair_id), {
          database: "postgres",
          idempotent: true,
          run: (client) => client.query(dropRoleSql(role)),
        }).catch((undoError: unknown) => {
          logger.error("could not drop the role of a failed grant; drop it by hand", {
            role,
            database: found.database_name,
            error: (undoError as Error).message,
          });
        });
        throw error;
      }
      await approveAccessRequest(store, id, {
        roleName: role,
        expiresAt: request.expiresAt ?? null,
        decidedBy: actor.id,
        note: request.note ?? null,
        credentialsSealed: box.seal(password, sealContext(id)),
      });
      return toAccessRequest(await row(id));
    },

    async deny(actor, id, request) {
      await decidable(actor, id, "pending");
      await denyAccessRequest(store, id, actor.id, request.note ?? null);
      return toAccessRequest(await row(id));
    },

    async revoke(actor, id) {
      const found = await decidable(actor, id, "approved");
      const roles = [found.role_name, found.previous_role_name].filter((role) => role !== null);
      // The CRL first: the nodes refuse the grant's certificates even if dropping the roles fails.
      await certificates.revokeForGrant({ id, pairId: found.pair_id }, null, actor.id);
      await removeLogins(await pairs.access(found.pair_id), found.database_name, roles);
      await revokeAccessRequest(store, id);
      return toAccessRequest(await row(id));
    },

    async rotate(actor, id, request) {
      const found = await visible(actor, id);
      if (found.requester_id !== actor.id && !mayDecide(actor, found))
        throw new ForbiddenError("only the requester, the database owner or an admin may rotate");
      const state = toAccessRequest(found).state;
      if (state !== "approved" || found.role_name === null) {
        throw new ConflictError(`the request is ${state}, not approved`, {
          code: "invalid_state",
          details: { state },
        });
      }
      const current = found.role_name;
      const next = rotatedRoleName(accessRoleName(found.database_name, found.level, found.id), current);
      const password = newPassword();
      const until = overlapEnd(new Date(), request.overlapMinutes, found.expires_at);
      // The current role's certificates end now: PostgreSQL's VALID UNTIL limits passwords only, so a
      // certificate would outlive the overlap. The new role logs in with its password until the
      // requester asks for a certificate for it.
      await certificates.revokeForGrant({ id, pairId: found.pair_id }, [next, current], actor.id);
      await rotateLogin({
        pair: await pairs.access(found.pair_id),
        database: found.database_name,
        current,
        next,
        // Both slots are this grant's own (revoke_access and drop_role skip a role that is gone).
        dropNextFirst: true,
        makeNext: (client) =>
          client.query(
            createTenantRoleSql(next, scramVerifier(password), found.expires_at?.toISOString() ?? null),
          ),
        grantNext: (client) => client.query(grantAccessSql(next, found.level)),
        until,
        logger,
        // Sealed for the requester only: an owner or admin who rotates a leaked password never sees
        // it. The role_name condition makes a concurrent rotation of the same grant lose.
        record: () =>
          recordRotation(store, id, {
            roleName: next,
            previousRoleName: current,
            previousValidUntil: until,
            credentialsSealed: box.seal(password, sealContext(id)),
          }),
      });
      return toAccessRequest(await row(id));
    },

    async pendingCount(actor) {
      return pendingAccessCount(store, isAdmin(actor), actor.id);
    },

    async target(databaseId) {
      const found = await activeDatabaseTarget(store, databaseId);
      if (found === undefined) throw new NotFoundError("database not found", { code: "database_not_found" });
      return found;
    },

    async grantFor(actor, id) {
      const found = await visible(actor, id);
      return {
        id: found.id,
        pairId: found.pair_id,
        databaseId: found.database_id,
        databaseName: found.database_name,
        requesterId: found.requester_id,
        actorMayDecide: mayDecide(actor, found),
        live: toAccessRequest(found).state === "approved",
        roleName: found.role_name,
        expiresAt: found.expires_at,
      };
    },

    async collect(actor, id) {
      const found = await visible(actor, id);
      if (found.requester_id !== actor.id)
        throw new ForbiddenError("only the requester collects the credentials");
      if (found.state !== "approved" || found.credentials_sealed === null || found.role_name === null) {
        throw new ConflictError("no credentials to collect", { code: "credentials_unavailable" });
      }
      // Cleared in the same statement that reads them: shown once even under concurrent calls.
      if (!(await clearCredentials(store, id)))
        throw new ConflictError("no credentials to collect", { code: "credentials_unavailable" });
      const password: Secret = box.open(found.credentials_sealed, sealContext(id));
      const pair = await findPair(store, found.pair_id);
      return credentialsReply(
        pairEndpoint(pair as NonNullable<typeof pair>),
        found.role_name,
        password,
        found.database_name,
      );
    },
  };
}
