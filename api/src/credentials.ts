// The credential lifecycle: each user's own connection details, the owner's password reset, and a
// grant's credential rotation. New passwords are shown once; nothing here returns a stored secret.
import { z } from "zod";
import { AccessCredentialsResponse, AccessRequestResponse } from "./access-requests.js";
import { CaCertificate, IdParams, Timestamp } from "./common.js";
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

/** Default overlap: long enough for a deploy to roll out the new secret. */
export const DEFAULT_OVERLAP_MINUTES = 60;
/** How long a rotated credential keeps logging in beside the new one: at most 7 days. */
const OverlapMinutes = z.number().int().min(0).max(10_080);

export const RotateAccessCredentialsRequest = z.object({
  /**
   * How long the previous role keeps logging in (0: it stops at once, e.g. after a leak); at most 7
   * days, and never past the grant's own expiry.
   */
  overlapMinutes: OverlapMinutes.default(DEFAULT_OVERLAP_MINUTES),
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

export const OwnerPasswordRequest = z.object({
  /**
   * 0 (the default, e.g. after a leak): a new password on the owner's current login, every other owner
   * login stops at once. More: a rotation, a new login role beside the current one, which keeps logging
   * in for that many minutes.
   */
  overlapMinutes: OverlapMinutes.default(0),
});
export type OwnerPasswordRequest = z.input<typeof OwnerPasswordRequest>;

export const OwnerPasswordResponse = AccessCredentialsResponse.extend({
  /** The login that keeps working through the overlap (null without one). */
  previousUsername: z.string().nullable(),
  /** When that login stops: its password is refused from then on. */
  previousValidUntil: Timestamp.nullable(),
});
export type OwnerPasswordResponse = z.infer<typeof OwnerPasswordResponse>;

export const resetOwnerPassword = defineRoute({
  id: "resetOwnerPassword",
  method: "post",
  path: "/v1/databases/:id/owner-password",
  summary:
    "Reset (overlapMinutes 0: the old password stops at once) or rotate (a new owner login; the old one keeps working for overlapMinutes) the owner's credentials (owner or admin); the new password is shown once",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: OwnerPasswordRequest,
  status: 200,
  response: OwnerPasswordResponse,
});
