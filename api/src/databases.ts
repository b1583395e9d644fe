// Databases on a pair: create, list, get, change settings, delete.
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
});
export type CreateDatabaseRequest = z.infer<typeof CreateDatabaseRequest>;

export const DatabaseState = z.enum(["active", "deleted"]);
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
  /** From the latest metrics report; null before the first one. */
  sizeBytes: z.number().nullable(),
  connections: DatabaseConnections.nullable(),
  metricsAt: Timestamp.nullable(),
  createdAt: Timestamp,
  deletedAt: Timestamp.nullable(),
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
  })
  .refine((body) => body.settings !== undefined || body.connectionLimit !== undefined, {
    message: "nothing to change",
  });
export type UpdateDatabaseRequest = z.infer<typeof UpdateDatabaseRequest>;

export const DeleteDatabaseRequest = ConfirmBody;

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
  summary: "Drop a database (confirm with its name); sessions are terminated, the record is kept",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: DeleteDatabaseRequest,
  status: 204,
});
