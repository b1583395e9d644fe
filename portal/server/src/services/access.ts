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
import type { Store } from "../store/db.js";
import { isAdmin, type UserActor } from "./actor.js";
import { credentialsReply, type Databases, pairEndpoint } from "./databases.js";
import { overlapEnd, removeLogins, rotatedRoleName, rotateLogin } from "./login-rotation.js";
import type { Pairs } from "./pairs.js";

interface AccessRow {
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

const toAccessRequest = (row: AccessRow): AccessRequest => ({
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
}

export function createAccess(
  store: Store,
  box: SecretBox,
  pairs: Pairs,
  databases: Databases,
  logger: Logger,
): Access {
  const sealContext = (id: string) => `access:${id}`;
  const row = async (id: string): Promise<AccessRow> => {
    const { rows } = await store.query<AccessRow>(`${SELECT_ACCESS} WHERE a.id = $1`, [id]);
    const found = rows[0];
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
      const { rows: open } = await store.query(
        "SELECT 1 FROM access_requests WHERE database_id = $1 AND requester_id = $2 AND state IN ('pending', 'approved')",
        [request.databaseId, actor.id],
      );
      if (open.length > 0)
        throw new ConflictError("you already have an open request or a grant", { code: "request_exists" });
      const { rows } = await store.query<{ id: string }>(
        "INSERT INTO access_requests (database_id, requester_id, level, reason, state) VALUES ($1, $2, $3, $4, 'pending') RETURNING id",
        [request.databaseId, actor.id, request.level, request.reason],
      );
      return toAccessRequest(await row((rows[0] as { id: string }).id));
    },

    async list(actor, query) {
      const { rows } = await store.query<AccessRow>(
        `${SELECT_ACCESS}
          WHERE ($1::uuid IS NULL OR a.database_id = $1) AND ($2::text IS NULL OR a.state = $2)
            AND ($3 OR a.requester_id = $4 OR d.created_by = $4)
          ORDER BY a.created_at DESC, a.id`,
        [query.databaseId ?? null, query.state ?? null, isAdmin(actor), actor.id],
      );
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
      await store.query(
        `UPDATE access_requests SET state = 'approved', role_name = $2, expires_at = $3, decided_by = $4,
                decided_at = now(), decision_note = $5, credentials_sealed = $6 WHERE id = $1`,
        [
          id,
          role,
          request.expiresAt ?? null,
          actor.id,
          request.note ?? null,
          box.seal(password, sealContext(id)),
        ],
      );
      return toAccessRequest(await row(id));
    },

    async deny(actor, id, request) {
      await decidable(actor, id, "pending");
      await store.query(
        "UPDATE access_requests SET state = 'denied', decided_by = $2, decided_at = now(), decision_note = $3 WHERE id = $1",
        [id, actor.id, request.note ?? null],
      );
      return toAccessRequest(await row(id));
    },

    async revoke(actor, id) {
      const found = await decidable(actor, id, "approved");
      const roles = [found.role_name, found.previous_role_name].filter((role) => role !== null);
      await removeLogins(await pairs.access(found.pair_id), found.database_name, roles);
      await store.query(
        "UPDATE access_requests SET state = 'revoked', credentials_sealed = NULL WHERE id = $1",
        [id],
      );
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
        record: async () => {
          const { rowCount } = await store.query(
            `UPDATE access_requests SET role_name = $2, previous_role_name = $3, previous_valid_until = $4,
                    credentials_sealed = $5 WHERE id = $1 AND role_name = $3`,
            [id, next, current, until, box.seal(password, sealContext(id))],
          );
          return rowCount === 1;
        },
      });
      return toAccessRequest(await row(id));
    },

    async pendingCount(actor) {
      const { rows } = await store.query<{ pending: number }>(
        `SELECT count(*)::int AS pending FROM access_requests a JOIN databases d ON d.id = a.database_id
          WHERE a.state = 'pending' AND d.state = 'active' AND a.requester_id <> $2
            AND ($1 OR d.created_by = $2)`,
        [isAdmin(actor), actor.id],
      );
      return rows[0]?.pending ?? 0;
    },

    async target(databaseId) {
      const { rows } = await store.query<{ id: string; name: string; pair_name: string }>(
        `SELECT d.id, d.name, p.name AS pair_name FROM databases d JOIN pairs p ON p.id = d.pair_id
          WHERE d.id = $1 AND d.state = 'active'`,
        [databaseId],
      );
      const found = rows[0];
      if (found === undefined) throw new NotFoundError("database not found", { code: "database_not_found" });
      return { id: found.id, name: found.name, pairName: found.pair_name };
    },

    async collect(actor, id) {
      const found = await visible(actor, id);
      if (found.requester_id !== actor.id)
        throw new ForbiddenError("only the requester collects the credentials");
      if (found.state !== "approved" || found.credentials_sealed === null || found.role_name === null) {
        throw new ConflictError("no credentials to collect", { code: "credentials_unavailable" });
      }
      // Cleared in the same statement that reads them: shown once even under concurrent calls.
      const { rowCount } = await store.query(
        "UPDATE access_requests SET credentials_sealed = NULL WHERE id = $1 AND credentials_sealed IS NOT NULL",
        [id],
      );
      if (rowCount !== 1)
        throw new ConflictError("no credentials to collect", { code: "credentials_unavailable" });
      const password: Secret = box.open(found.credentials_sealed, sealContext(id));
      type EndpointRow = { endpoint_host: string; endpoint_port: number; ca_certificate: string | null };
      const { rows } = await store.query<EndpointRow>(
        "SELECT endpoint_host, endpoint_port, ca_certificate FROM pairs WHERE id = $1",
        [found.pair_id],
      );
      return credentialsReply(
        pairEndpoint(rows[0] as EndpointRow),
        found.role_name,
        password,
        found.database_name,
      );
    },
  };
}
