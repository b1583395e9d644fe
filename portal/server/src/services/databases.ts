// Databases on pairs: created on the current primary through the router, recorded in the store.

import type {
  CreateDatabaseRequest,
  CreateDatabaseResponse,
  Database,
  DatabaseConnection,
  DeleteDatabaseResponse,
  ListDatabasesQuery,
  ParameterMap,
  UpdateDatabaseRequest,
} from "@pgaas/api";
import {
  ConflictError,
  ForbiddenError,
  InputError,
  type Logger,
  NotFoundError,
  type Secret,
} from "@pgaas/common";
import { DATABASE_PARAMETERS, deletionRestorableText, deletionRestorableUntil } from "@pgaas/common/wire";
import { scramVerifier } from "../crypto/scram.js";
import { newPassword } from "../crypto/tokens.js";
import {
  connectionLimitSql,
  createDatabasePlan,
  DELETION_POINT_SQL,
  dropDatabasePlan,
  dropRoleSql,
  resetDatabaseParameterSql,
  setDatabaseParameterSql,
  terminateSessionsSql,
} from "../managed/database-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import {
  grantRoles,
  hasLiveGrant,
  liveGrantRole,
  revokeDatabaseAccessRequests,
} from "../store/access-requests.js";
import {
  type DatabaseRow,
  findDatabase,
  insertDatabase,
  listDatabases,
  liveNamesTaken,
  markDatabaseDeleted,
  toDatabase,
  updateDatabaseSettings,
} from "../store/databases.js";
import type { Queryable, Store } from "../store/db.js";
import { ownerLogins } from "../store/owner-logins.js";
import { isAdmin, type UserActor } from "./actor.js";
import type { Backups } from "./backups.js";
import type { ClientCertificates } from "./client-certificates.js";
import { changePooling, pooledConnectionUri, refreshPooledList } from "./database-pooling.js";
import type { Pairs } from "./pairs.js";
import { keptValues, validateParameters } from "./parameters.js";

/** Plan steps (createDatabasePlan): the role, then the database. */
const CREATE_ROLE_STEP = 0;
const CREATE_DATABASE_STEP = 1;

/** `password` null gives the URI to show on a page (the password was shown once when it was set). */
export function connectionUri(
  host: string,
  port: number,
  user: string,
  password: Secret | null,
  database: string,
  caCertificate: string | null,
): string {
  const hostPart = host.includes(":") ? `[${host}]` : host;
  // With the pair CA (handed out next to the URI) the client verifies the endpoint's certificate.
  const tls = caCertificate === null ? "" : "?sslmode=verify-full";
  const secret = password === null ? "" : `:${encodeURIComponent(password.reveal())}`;
  return `postgresql://${encodeURIComponent(user)}${secret}@${hostPart}:${port}/${encodeURIComponent(database)}${tls}`;
}

/** Where a pair's clients connect: its endpoint and the CA that verifies it (null before TLS). */
export interface ClientEndpoint {
  readonly host: string;
  readonly port: number;
  readonly caCertificate: string | null;
}

/** A password shown once: the credentials, the URI that carries them and the CA, as every route answers. */
export function credentialsReply(
  endpoint: ClientEndpoint,
  username: string,
  password: Secret,
  database: string,
): {
  credentials: { username: string; password: string };
  connectionUri: string;
  caCertificate: string | null;
} {
  return {
    credentials: { username, password: password.reveal() },
    connectionUri: connectionUri(
      endpoint.host,
      endpoint.port,
      username,
      password,
      database,
      endpoint.caCertificate,
    ),
    caCertificate: endpoint.caCertificate,
  };
}

export function pairEndpoint(pair: {
  endpoint_host: string;
  endpoint_port: number;
  ca_certificate: string | null;
}): ClientEndpoint {
  return { host: pair.endpoint_host, port: pair.endpoint_port, caCertificate: pair.ca_certificate };
}

/** A live database (active or restoring) on the pair already has this name or this owner role. */
/**
 * Refuses a name or owner already live on the pair (a restoring record holds its name too), blaming
 * the field the user chose: the name, unless only a separately chosen owner collides.
 */
export async function refuseTakenName(
  store: Queryable,
  pairId: string,
  name: string,
  owner: string,
  ownerChosen: boolean,
) {
  const taken = await liveNamesTaken(store, pairId, name, owner);
  if (taken.length > 0)
    throw new ConflictError("a database or owner with this name exists on the pair", {
      code: "database_exists",
      field: taken.includes(name) || !ownerChosen ? "name" : "owner",
    });
}

export interface Databases {
  create(actor: UserActor, request: CreateDatabaseRequest): Promise<CreateDatabaseResponse>;
  list(actor: UserActor, query: ListDatabasesQuery): Promise<Database[]>;
  get(actor: UserActor, id: string): Promise<Database>;
  update(actor: UserActor, id: string, request: UpdateDatabaseRequest): Promise<Database>;
  /** Drops it and keeps the record with the deletion point; asks for a backup without waiting for it. */
  remove(actor: UserActor, id: string, confirm: string): Promise<DeleteDatabaseResponse>;
  /**
   * The actor's own role on the database: the owner's current login (after a rotation, possibly the
   * second slot) for its owner and admins, else their grant.
   */
  connection(actor: UserActor, id: string): Promise<DatabaseConnection>;
  /** The row behind a database the actor may manage (owner or admin); used by access requests. */
  managed(actor: UserActor, id: string): Promise<DatabaseRow>;
  row(id: string): Promise<DatabaseRow>;
  /** Whether the actor owns the database or holds an approved grant on it. */
  canSee(actor: UserActor, row: DatabaseRow): Promise<boolean>;
}

export function createDatabases(
  store: Store,
  pairs: Pairs,
  logger: Logger,
  backups: Backups,
  certificates: Pick<ClientCertificates, "revokeForDatabase">,
): Databases {
  const row = async (id: string): Promise<DatabaseRow> => {
    const found = await findDatabase(store, id);
    if (found === undefined) throw new NotFoundError("database not found", { code: "database_not_found" });
    return found;
  };

  const canSee = async (actor: UserActor, found: DatabaseRow): Promise<boolean> => {
    if (isAdmin(actor) || found.created_by === actor.id) return true;
    // A pending request shows nothing beyond what the share link named: only a live grant does.
    return hasLiveGrant(store, found.id, actor.id);
  };

  // Members learn nothing about databases they cannot see: same answer as a missing one.
  const visible = async (actor: UserActor, id: string): Promise<DatabaseRow> => {
    const found = await row(id);
    if (!(await canSee(actor, found)))
      throw new NotFoundError("database not found", { code: "database_not_found" });
    return found;
  };

  const managed = async (actor: UserActor, id: string): Promise<DatabaseRow> => {
    const found = await visible(actor, id);
    if (!isAdmin(actor) && found.created_by !== actor.id)
      throw new ForbiddenError("only the owner or an admin may do this");
    if (found.state === "restoring")
      throw new ConflictError("the database is still being restored", { code: "database_restoring" });
    if (found.state !== "active")
      throw new ConflictError("the database was deleted", { code: "database_deleted" });
    return found;
  };

  return {
    async create(actor, request) {
      const settings = validateParameters(DATABASE_PARAMETERS, request.settings ?? {});
      const owner = request.owner ?? request.name;
      const pair = await pairs.access(request.pairId);
      await refuseTakenName(store, request.pairId, request.name, owner, request.owner !== undefined);
      const password = newPassword();
      const connectionLimit = request.connectionLimit ?? -1;
      const plan = createDatabasePlan({
        name: request.name,
        owner,
        verifier: scramVerifier(password),
        connectionLimit,
        settings: settings.map(([name, text]) => [name, text] as const),
      });
      await onPrimary(pair, {
        database: "postgres",
        idempotent: false,
        async run(client) {
          let done = 0;
          try {
            for (const statement of plan) {
              await client.query(statement);
              done += 1;
            }
          } catch (error) {
            // Undo only what this call created (plan: role, database, …), never a pre-existing object.
            const undo = [
              ...(done > CREATE_DATABASE_STEP ? dropDatabasePlan(request.name) : []),
              ...(done > CREATE_ROLE_STEP ? [dropRoleSql(owner)] : []),
            ];
            for (const statement of undo) {
              await client.query(statement).catch((undoError: unknown) => {
                logger.error("could not undo a failed database create; remove it by hand", {
                  database: request.name,
                  owner,
                  statement,
                  error: (undoError as Error).message,
                });
              });
            }
            const code = (error as { code?: string }).code;
            if (code === "42P04" || code === "42710") {
              throw new ConflictError("the database or role already exists on the server", {
                code: "database_exists",
                // 42P04 duplicate_database; 42710 duplicate_object, here the owner role.
                field: code === "42P04" || request.owner === undefined ? "name" : "owner",
                cause: error,
              });
            }
            throw error;
          }
        },
      });
      const createdId = await insertDatabase(store, {
        pairId: request.pairId,
        name: request.name,
        owner,
        createdBy: actor.id,
        settings: keptValues(settings),
        connectionLimit,
      });
      if (request.pooling === true)
        await changePooling(store, { id: createdId, pair_id: request.pairId }, true, actor.id);
      const created = await row(createdId);
      return {
        database: toDatabase(created),
        ...credentialsReply(pairEndpoint(pair.pair), owner, password, request.name),
        pooledConnectionUri: pooledConnectionUri(created, owner, password, request.name),
      };
    },

    async list(actor, query) {
      const rows = await listDatabases(store, {
        pairId: query.pairId ?? null,
        includeDeleted: query.includeDeleted === "true",
        all: isAdmin(actor),
        userId: actor.id,
      });
      return rows.map(toDatabase);
    },

    async get(actor, id) {
      return toDatabase(await visible(actor, id));
    },

    async update(actor, id, request) {
      const found = await managed(actor, id);
      const requested = request.settings ?? {};
      const toSet = Object.fromEntries(
        Object.entries(requested).filter(
          (entry): entry is [string, string | number | boolean] => entry[1] !== null,
        ),
      );
      const toReset = Object.keys(requested).filter((name) => requested[name] === null);
      const setPairs = validateParameters(DATABASE_PARAMETERS, toSet);
      const unknownResets = toReset.filter((name) => !DATABASE_PARAMETERS.some((spec) => spec.name === name));
      if (unknownResets.length > 0) {
        throw new InputError("invalid settings", {
          code: "invalid_settings",
          details: {
            settings: Object.fromEntries(
              unknownResets.map((name) => [name, "not a parameter you may change"]),
            ),
          },
        });
      }
      const statements = [
        ...setPairs.map(([name, text]) => setDatabaseParameterSql(found.name, name, text)),
        ...toReset.map((name) => resetDatabaseParameterSql(found.name, name)),
        ...(request.connectionLimit === undefined
          ? []
          : [connectionLimitSql(found.name, request.connectionLimit)]),
      ];
      if (statements.length > 0) {
        await onPrimary(await pairs.access(found.pair_id), {
          database: "postgres",
          idempotent: true,
          async run(client) {
            for (const statement of statements) await client.query(statement);
          },
        });
      }
      if (request.pooling !== undefined && request.pooling !== found.pooling)
        await changePooling(store, found, request.pooling, actor.id);
      const merged: ParameterMap = { ...found.settings, ...keptValues(setPairs) };
      for (const name of toReset) delete merged[name];
      await updateDatabaseSettings(store, id, merged, request.connectionLimit ?? null);
      return toDatabase(await row(id));
    },

    async remove(actor, id, confirm) {
      const found = await managed(actor, id);
      if (confirm !== found.name)
        throw new InputError("confirm must equal the database name", {
          code: "confirmation_mismatch",
          field: "confirm",
        });
      // A rotated grant's or owner's previous login may still be inside its overlap: it goes too.
      const grants = await grantRoles(store, id);
      const owners = await ownerLogins(store, id, found.owner);
      const ownerSlots = [owners.current, owners.previous].filter(
        (login): login is string => login !== null && login !== found.owner,
      );
      // The deletion point on the primary's own clock and WAL, after the last session ended: a restore
      // of the deleted database aims just before the drop.
      const point = await onPrimary(await pairs.access(found.pair_id), {
        database: "postgres",
        idempotent: true,
        async run(client) {
          await client.query(connectionLimitSql(found.name, 0));
          await client.query(terminateSessionsSql(found.name));
          const { rows } = await client.query<{ at: Date; lsn: string }>(DELETION_POINT_SQL);
          for (const statement of dropDatabasePlan(found.name)) await client.query(statement);
          for (const grant of grants) await client.query(dropRoleSql(grant));
          // The owner's second login is a member of the owner role: it goes first.
          for (const login of ownerSlots) await client.query(dropRoleSql(login));
          await client.query(dropRoleSql(found.owner));
          return rows[0] as { at: Date; lsn: string };
        },
      });
      await store.transaction(async (db) => {
        await markDatabaseDeleted(db, id, point.at, point.lsn);
        await revokeDatabaseAccessRequests(db, id);
      });
      await certificates.revokeForDatabase({ id, pairId: found.pair_id }, actor.id);
      if (found.pooling) await refreshPooledList(store, found.pair_id, actor.id);
      // Not awaited beyond the request: a long backup must not hold the delete.
      const backup = await backups.take(found.pair_id, "incr", actor.id).then(
        (request) => ({
          backupRequestId: request.id,
          note: `incr backup ${request.id} requested on ${request.nodeName}`,
        }),
        (error: unknown) => {
          if (!(error instanceof ConflictError)) throw error;
          return { backupRequestId: null, note: `no backup requested: ${error.message}` };
        },
      );
      // Read after the backup was asked for: the inventory the primary reported last says how far back
      // the repository reaches and on which schedule it moves on.
      const { inventory } = await backups.list(found.pair_id);
      const until = deletionRestorableUntil(point.at, inventory);
      return {
        database: toDatabase(await row(id)),
        ...backup,
        restorableUntil: until?.toISOString() ?? null,
        restorable: deletionRestorableText(until, inventory),
      };
    },

    async connection(actor, id) {
      const found = await visible(actor, id);
      if (found.state !== "active")
        throw new ConflictError("the database was deleted", { code: "database_deleted" });
      let username = (await ownerLogins(store, id, found.owner)).current;
      let role: DatabaseConnection["role"] = "owner";
      if (!isAdmin(actor) && found.created_by !== actor.id) {
        // visible() let a non-owner through only with a live grant: that grant's role is theirs.
        const grant = await liveGrantRole(store, id, actor.id);
        if (grant === undefined)
          throw new NotFoundError("database not found", { code: "database_not_found" });
        username = grant;
        role = "grant";
      }
      const ca = found.ca_certificate;
      return {
        username,
        role,
        host: found.endpoint_host,
        port: found.endpoint_port,
        database: found.name,
        connectionUri: connectionUri(
          found.endpoint_host,
          found.endpoint_port,
          username,
          null,
          found.name,
          ca,
        ),
        pooledConnectionUri: pooledConnectionUri(found, username, null, found.name),
        caCertificate: ca,
      };
    },

    managed,
    row,
    canSee,
  };
}
