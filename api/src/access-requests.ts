// Access requests: a user asks for read-only or read-write access to a database; the owner or an
// admin approves (a login role is created) or denies; revoke removes it.
import { z } from "zod";
import { CaCertificate, Id, IdParams, Timestamp } from "./common.js";
import { Credentials } from "./databases.js";
import { defineRoute } from "./route.js";

export const AccessLevel = z.enum(["read_only", "read_write"]);
export type AccessLevel = z.infer<typeof AccessLevel>;
export const AccessRequestState = z.enum(["pending", "approved", "denied", "revoked", "expired"]);
export type AccessRequestState = z.infer<typeof AccessRequestState>;

export const AccessRequest = z.object({
  id: Id,
  databaseId: Id,
  databaseName: z.string(),
  requesterId: Id,
  requesterEmail: z.string(),
  level: AccessLevel,
  reason: z.string(),
  state: AccessRequestState,
  /** Login role created on approval (a rotation hands out a new one). */
  roleName: z.string().nullable(),
  /** After a rotation: the role handed out before, which still logs in until previousValidUntil. */
  previousRoleName: z.string().nullable(),
  previousValidUntil: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
  decidedBy: Id.nullable(),
  decidedAt: Timestamp.nullable(),
  decisionNote: z.string().nullable(),
  /** True until the requester fetched the credentials once. */
  credentialsAvailable: z.boolean(),
  createdAt: Timestamp,
});
export type AccessRequest = z.infer<typeof AccessRequest>;

export const CreateAccessRequest = z.object({
  databaseId: Id,
  level: AccessLevel,
  reason: z.string().trim().min(1).max(2000),
});
export type CreateAccessRequest = z.infer<typeof CreateAccessRequest>;
export const ApproveAccessRequest = z.object({
  expiresAt: Timestamp.optional(),
  note: z.string().max(2000).optional(),
});
export type ApproveAccessRequest = z.infer<typeof ApproveAccessRequest>;
export const DenyAccessRequest = z.object({ note: z.string().max(2000).optional() });
export type DenyAccessRequest = z.infer<typeof DenyAccessRequest>;

export const AccessRequestResponse = z.object({ accessRequest: AccessRequest });
export type AccessRequestResponse = z.infer<typeof AccessRequestResponse>;
export const AccessRequestList = z.object({ accessRequests: z.array(AccessRequest) });
export type AccessRequestList = z.infer<typeof AccessRequestList>;
export const ListAccessRequestsQuery = z.object({
  databaseId: Id.optional(),
  state: AccessRequestState.optional(),
});
export const AccessCredentialsResponse = z.object({
  credentials: Credentials,
  /** ?sslmode=verify-full when the pair has a CA */
  connectionUri: z.string(),
  caCertificate: CaCertificate.nullable(),
});
export type AccessCredentialsResponse = z.infer<typeof AccessCredentialsResponse>;

export const createAccessRequest = defineRoute({
  id: "createAccessRequest",
  method: "post",
  path: "/v1/access-requests",
  summary: "Request read-only or read-write access to a database",
  tag: "access",
  auth: "user",
  body: CreateAccessRequest,
  status: 201,
  response: AccessRequestResponse,
});

export const listAccessRequests = defineRoute({
  id: "listAccessRequests",
  method: "get",
  path: "/v1/access-requests",
  summary: "Your requests and those on databases you own (all for admins)",
  tag: "access",
  auth: "user",
  query: ListAccessRequestsQuery,
  status: 200,
  response: AccessRequestList,
});

export const approveAccessRequest = defineRoute({
  id: "approveAccessRequest",
  method: "post",
  path: "/v1/access-requests/:id/approve",
  summary: "Approve (database owner or admin): creates the login role and grants",
  tag: "access",
  auth: "user",
  params: IdParams,
  body: ApproveAccessRequest,
  status: 200,
  response: AccessRequestResponse,
});

export const denyAccessRequest = defineRoute({
  id: "denyAccessRequest",
  method: "post",
  path: "/v1/access-requests/:id/deny",
  summary: "Deny (database owner or admin)",
  tag: "access",
  auth: "user",
  params: IdParams,
  body: DenyAccessRequest,
  status: 200,
  response: AccessRequestResponse,
});

export const revokeAccessRequest = defineRoute({
  id: "revokeAccessRequest",
  method: "post",
  path: "/v1/access-requests/:id/revoke",
  summary: "Revoke approved access: removes the login role and its grants",
  tag: "access",
  auth: "user",
  params: IdParams,
  status: 200,
  response: AccessRequestResponse,
});

export const accessCredentials = defineRoute({
  id: "accessCredentials",
  method: "post",
  path: "/v1/access-requests/:id/credentials",
  summary: "The requester collects the generated credentials (once)",
  tag: "access",
  auth: "user",
  params: IdParams,
  status: 200,
  response: AccessCredentialsResponse,
});

export const PendingAccessCount = z.object({
  /** Pending requests the caller may decide: on databases they own, all of them for admins. */
  pending: z.number().int().min(0),
});
export type PendingAccessCount = z.infer<typeof PendingAccessCount>;

export const pendingAccessCount = defineRoute({
  id: "pendingAccessCount",
  method: "get",
  path: "/v1/access-requests/pending-count",
  summary: "How many pending requests wait for the caller's decision",
  tag: "access",
  auth: "user",
  status: 200,
  response: PendingAccessCount,
});

export const AccessTarget = z.object({ id: Id, name: z.string(), pairName: z.string() });
export type AccessTarget = z.infer<typeof AccessTarget>;
export const AccessTargetResponse = z.object({ database: AccessTarget });
export type AccessTargetResponse = z.infer<typeof AccessTargetResponse>;

/** A request link names a live database by id; whoever holds the link may read its name. */
export const accessTarget = defineRoute({
  id: "accessTarget",
  method: "get",
  path: "/v1/access-requests/targets/:id",
  summary: "The name and pair of a live database a request link points at",
  tag: "access",
  auth: "user",
  params: IdParams,
  status: 200,
  response: AccessTargetResponse,
});
