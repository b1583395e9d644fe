// Databases on a pair: create, list, get, change settings, delete, restore as of a point in time.
import { z } from "zod";
import {
  CaCertificate,
  ConfirmBody,
  Id,
  IdParams,
  NotReservedName,
  ParameterMap,
  ParameterValue,
  Timestamp,
} from "./common.js";
import { defineRoute } from "./route.js";

export const CONNECTION_LIMIT_MAX = 10_000;
export const ConnectionLimit = z
  .number("Must be a number.")
  .int("Must be a whole number.")
  .min(-1, "Must be -1 (no limit) or more.")
  .max(CONNECTION_LIMIT_MAX, `Must be at most ${CONNECTION_LIMIT_MAX}.`);

export const CreateDatabaseRequest = z.object({
  pairId: Id,
  name: NotReservedName,
  /** Owner role name; defaults to the database name. */
  owner: NotReservedName.optional(),
  settings: ParameterMap.optional(),
  connectionLimit: ConnectionLimit.optional(),
  /** Serve it through the pair's PgBouncer too (transaction pooling); default off. */
  pooling: z.boolean().optional(),
});
export type CreateDatabaseRequest = z.infer<typeof CreateDatabaseRequest>;

/** `restoring`: a restore's agent command runs; `restore_failed`: it failed and was undone (see `error`). */
export const DatabaseState = z.enum(["active", "deleted", "restoring", "restore_failed"]);
export const DatabaseConnections = z.object({
  active: z.number().int(),
  idle: z.number().int(),
  idleInTransaction: z.number().int(),
  other: z.number().int(),
});

export const Database = z.object({
  id: Id,
  pairId: Id,
  pairName: z.string(),
  name: z.string(),
  owner: z.string(),
  /** The portal user who created it (owner of the database in the portal). */
  createdBy: Id.nullable(),
  state: DatabaseState,
  settings: ParameterMap,
  connectionLimit: z.number().int(),
  /** Served through the pair's PgBouncer (transaction pooling) besides the direct endpoint. */
  pooling: z.boolean(),
  /** The pooler's port on the endpoint; null: the pair has no pooler. */
  poolerPort: z.number().int().nullable(),
  /** From the latest metrics report; null before the first one. */
  sizeBytes: z.number().nullable(),
  connections: DatabaseConnections.nullable(),
  metricsAt: Timestamp.nullable(),
  createdAt: Timestamp,
  /** A deleted database: the primary's clock just before the drop (the default restore target). */
  deletedAt: Timestamp.nullable(),
  /** A restored database: the database it was restored from and the point in time (null: the latest). */
  restoredFrom: Id.nullable(),
  restoreTarget: Timestamp.nullable(),
  /** Why the restore failed (state restore_failed); null otherwise. */
  error: z.string().nullable(),
});
export type Database = z.infer<typeof Database>;

export const Credentials = z.object({ username: z.string(), password: z.string() });
export type Credentials = z.infer<typeof Credentials>;

export const CreateDatabaseResponse = z.object({
  database: Database,
  credentials: Credentials,
  /**
   * postgresql://owner:password@<stable endpoint>/<name>?sslmode=verify-full (no sslmode for a pair
   * registered without a CA); the password is shown only here.
   */
  connectionUri: z.string(),
  /** The same through the pair's PgBouncer (its port on the endpoint); null when not pooled. */
  pooledConnectionUri: z.string().nullable(),
  /** The pair CA to verify the endpoint with (libpq sslrootcert), null without one. */
  caCertificate: CaCertificate.nullable(),
});
export type CreateDatabaseResponse = z.infer<typeof CreateDatabaseResponse>;

export const DatabaseResponse = z.object({ database: Database });
export type DatabaseResponse = z.infer<typeof DatabaseResponse>;
export const DatabaseList = z.object({ databases: z.array(Database) });
export type DatabaseList = z.infer<typeof DatabaseList>;
export const ListDatabasesQuery = z.object({
  pairId: Id.optional(),
  includeDeleted: z.enum(["true", "false"]).optional(),
});
export type ListDatabasesQuery = z.infer<typeof ListDatabasesQuery>;

/** `settings` values of null reset a parameter (`ALTER DATABASE … RESET`). */
export const UpdateDatabaseRequest = z
  .object({
    settings: z.record(z.string().max(63), ParameterValue.nullable()).optional(),
    connectionLimit: ConnectionLimit.optional(),
    /** Switch pooling on or off; both nodes reload PgBouncer (connected clients stay). */
    pooling: z.boolean().optional(),
  })
  .refine(
    (body) => body.settings !== undefined || body.connectionLimit !== undefined || body.pooling !== undefined,
    {
      message: "nothing to change",
    },
  );
export type UpdateDatabaseRequest = z.infer<typeof UpdateDatabaseRequest>;

export const DeleteDatabaseRequest = ConfirmBody;

export const DeleteDatabaseResponse = z.object({
  database: Database,
  /**
   * The backup asked of the primary's agent at the deletion, so the deleted database stays restorable
   * while retention keeps that backup. The delete does not wait for it: null when none could be asked
   * (no backups configured, one already running, no primary); `note` says which.
   */
  backupRequestId: Id.nullable(),
  note: z.string(),
  /**
   * Until when the deleted database can be restored, from the pair's reported schedule and retention
   * (the `retention.full`-th scheduled full backup after the deletion); null when the pair reports
   * neither. `restorable` says the same in words, and why when there is no time.
   */
  restorableUntil: z.iso.datetime({ offset: true }).nullable(),
  restorable: z.string(),
});
export type DeleteDatabaseResponse = z.infer<typeof DeleteDatabaseResponse>;

export const RestoreDatabaseRequest = z.object({
  /** The new database; the source is never touched. */
  newName: NotReservedName,
  /** Owner role of the new database, created with a new password; defaults to `newName`. */
  owner: NotReservedName.optional(),
  /**
   * ISO 8601 with a zone. Default: the latest archived state, or for a deleted database the moment
   * just before its deletion.
   */
  time: z.iso.datetime({ offset: true }).optional(),
  /** A backup label from the pair's inventory to restore from. */
  backup: z.string().min(1).max(100).optional(),
});
export type RestoreDatabaseRequest = z.infer<typeof RestoreDatabaseRequest>;

export const createDatabase = defineRoute({
  id: "createDatabase",
  method: "post",
  path: "/v1/databases",
  summary: "Create a database and its owner role on the pair's current primary (password shown once)",
  tag: "databases",
  auth: "user",
  body: CreateDatabaseRequest,
  status: 201,
  response: CreateDatabaseResponse,
});

export const listDatabases = defineRoute({
  id: "listDatabases",
  method: "get",
  path: "/v1/databases",
  summary: "Databases you own or hold a grant on (all for admins)",
  tag: "databases",
  auth: "user",
  query: ListDatabasesQuery,
  status: 200,
  response: DatabaseList,
});

export const getDatabase = defineRoute({
  id: "getDatabase",
  method: "get",
  path: "/v1/databases/:id",
  summary: "One database with size, connections, settings, owner",
  tag: "databases",
  auth: "user",
  params: IdParams,
  status: 200,
  response: DatabaseResponse,
});

export const updateDatabase = defineRoute({
  id: "updateDatabase",
  method: "patch",
  path: "/v1/databases/:id",
  summary: "Change whitelisted per-database settings and the connection limit",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: UpdateDatabaseRequest,
  status: 200,
  response: DatabaseResponse,
});

export const deleteDatabase = defineRoute({
  id: "deleteDatabase",
  method: "delete",
  path: "/v1/databases/:id",
  summary:
    "Drop a database (confirm with its name); sessions are terminated, the record is kept, and a backup is requested (not awaited) so it stays restorable",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: DeleteDatabaseRequest,
  status: 200,
  response: DeleteDatabaseResponse,
});

export const restoreDatabase = defineRoute({
  id: "restoreDatabase",
  method: "post",
  path: "/v1/databases/:id/restore",
  summary:
    "Restore this database (also a deleted one) as of a point in time into a new database with a new owner (password shown once); the record shows restoring until the primary's agent finished",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: RestoreDatabaseRequest,
  status: 202,
  response: CreateDatabaseResponse,
});
