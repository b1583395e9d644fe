// The credential lifecycle: each user's own connection details, the owner's password reset, and a
// grant's credential rotation. New passwords are shown once; nothing here returns a stored secret.
import { z } from "zod";
import { AccessCredentialsResponse, AccessRequestResponse } from "./access-requests.js";
import { CaCertificate, IdParams } from "./common.js";
import { defineRoute } from "./route.js";

/** Whose role the caller connects as: the owner role, or the caller's own grant role. */
export const ConnectionRole = z.enum(["owner", "grant"]);
export type ConnectionRole = z.infer<typeof ConnectionRole>;

export const DatabaseConnection = z.object({
  /** The login role the caller connects as (never another user's). */
  username: z.string(),
  role: ConnectionRole,
  host: z.string(),
  port: z.number().int(),
  database: z.string(),
  /** postgresql://<username>@<endpoint>/<database>[?sslmode=verify-full]: no password. */
  connectionUri: z.string(),
  /** The same through the pair's PgBouncer; null when the database is not pooled. */
  pooledConnectionUri: z.string().nullable(),
  /** The pair CA to verify the endpoint with (sslrootcert); null for a pair without one. */
  caCertificate: CaCertificate.nullable(),
});
export type DatabaseConnection = z.infer<typeof DatabaseConnection>;
export const DatabaseConnectionResponse = z.object({ connection: DatabaseConnection });
export type DatabaseConnectionResponse = z.infer<typeof DatabaseConnectionResponse>;

export const databaseConnection = defineRoute({
  id: "databaseConnection",
  method: "get",
  path: "/v1/databases/:id/connection",
  summary:
    "Your own connection details for a database: the owner role for its owner (and admins), your grant role otherwise",
  tag: "databases",
  auth: "user",
  params: IdParams,
  status: 200,
  response: DatabaseConnectionResponse,
});

export const resetOwnerPassword = defineRoute({
  id: "resetOwnerPassword",
  method: "post",
  path: "/v1/databases/:id/owner-password",
  summary:
    "Set a new random password on the database's owner role (owner or admin); shown once, the old one stops working for new connections",
  tag: "databases",
  auth: "user",
  params: IdParams,
  status: 200,
  response: AccessCredentialsResponse,
});

/** Default overlap: long enough for a deploy to roll out the new secret. */
export const DEFAULT_OVERLAP_MINUTES = 60;
export const RotateAccessCredentialsRequest = z.object({
  /**
   * How long the previous role keeps logging in (0: it stops at once, e.g. after a leak); at most 7
   * days, and never past the grant's own expiry.
   */
  overlapMinutes: z.number().int().min(0).max(10_080).default(DEFAULT_OVERLAP_MINUTES),
});
export type RotateAccessCredentialsRequest = z.input<typeof RotateAccessCredentialsRequest>;

export const rotateAccessCredentials = defineRoute({
  id: "rotateAccessCredentials",
  method: "post",
  path: "/v1/access-requests/:id/rotate",
  summary:
    "Hand out a new role and password for a grant (requester, database owner or admin; the requester collects it once); the previous role keeps logging in for overlapMinutes",
  tag: "access",
  auth: "user",
  params: IdParams,
  body: RotateAccessCredentialsRequest,
  status: 200,
  response: AccessRequestResponse,
});
