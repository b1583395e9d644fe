// Sign-in, sessions, users and API tokens.
import { z } from "zod";
import { Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

export const UserRole = z.enum(["admin", "member"]);
export type UserRole = z.infer<typeof UserRole>;

export const Email = z
  .email()
  .max(254)
  .transform((email) => email.toLowerCase());
export const NewPassword = z.string().min(12, "at least 12 characters").max(1024);

export const User = z.object({
  id: Id,
  email: z.string(),
  role: UserRole,
  disabled: z.boolean(),
  createdAt: Timestamp,
});
export type User = z.infer<typeof User>;

export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(1024) });
export type LoginRequest = z.infer<typeof LoginRequest>;
export const UserResponse = z.object({ user: User });
export type UserResponse = z.infer<typeof UserResponse>;

/** Name of the httpOnly session cookie set by login. */
export const SESSION_COOKIE = "pgaas_session";

export const login = defineRoute({
  id: "login",
  method: "post",
  path: "/v1/auth/login",
  summary: "Sign in with email and password; sets the httpOnly session cookie",
  tag: "auth",
  auth: "public",
  body: LoginRequest,
  status: 200,
  response: UserResponse,
});

export const logout = defineRoute({
  id: "logout",
  method: "post",
  path: "/v1/auth/logout",
  summary: "End the current session",
  tag: "auth",
  auth: "user",
  status: 204,
});

export const me = defineRoute({
  id: "me",
  method: "get",
  path: "/v1/auth/me",
  summary: "The signed-in user",
  tag: "auth",
  auth: "user",
  status: 200,
  response: UserResponse,
});

// Users (admin only).
export const CreateUserRequest = z.object({ email: Email, password: NewPassword, role: UserRole });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;
export const UpdateUserRequest = z
  .object({ role: UserRole.optional(), password: NewPassword.optional(), disabled: z.boolean().optional() })
  .refine((body) => Object.keys(body).length > 0, { message: "nothing to change" });
export type UpdateUserRequest = z.infer<typeof UpdateUserRequest>;
export const UserList = z.object({ users: z.array(User) });
export type UserList = z.infer<typeof UserList>;

export const listUsers = defineRoute({
  id: "listUsers",
  method: "get",
  path: "/v1/users",
  summary: "List users",
  tag: "users",
  auth: "admin",
  status: 200,
  response: UserList,
});

export const createUser = defineRoute({
  id: "createUser",
  method: "post",
  path: "/v1/users",
  summary: "Create a user",
  tag: "users",
  auth: "admin",
  body: CreateUserRequest,
  status: 201,
  response: UserResponse,
});

export const updateUser = defineRoute({
  id: "updateUser",
  method: "patch",
  path: "/v1/users/:id",
  summary: "Change a user's role, password or disabled flag",
  tag: "users",
  auth: "admin",
  params: IdParams,
  body: UpdateUserRequest,
  status: 200,
  response: UserResponse,
});

/**
 * Deletes a user: their sessions and API tokens go with them, pending access requests are withdrawn.
 * Refused while they own live databases (database_owner_exists: delete or hand them over first) or
 * hold approved grants (grant_holder: revoke first), for the last enabled admin and for oneself.
 */
export const deleteUser = defineRoute({
  id: "deleteUser",
  method: "delete",
  path: "/v1/users/:id",
  summary: "Delete a user (refused while they own live databases or hold grants, and for the last admin)",
  tag: "users",
  auth: "admin",
  params: IdParams,
  status: 204,
});

// API tokens (each user manages their own).
export const ApiToken = z.object({
  id: Id,
  name: z.string(),
  /** First characters of the token, to recognise it; the token itself is shown once. */
  prefix: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp.nullable(),
  lastUsedAt: Timestamp.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;
export const CreateApiTokenRequest = z.object({
  name: z.string().trim().min(1).max(100),
  expiresAt: Timestamp.optional(),
});
export type CreateApiTokenRequest = z.infer<typeof CreateApiTokenRequest>;
export const CreateApiTokenResponse = z.object({ token: ApiToken, secret: z.string() });
export type CreateApiTokenResponse = z.infer<typeof CreateApiTokenResponse>;
export const ApiTokenList = z.object({ tokens: z.array(ApiToken) });
export type ApiTokenList = z.infer<typeof ApiTokenList>;

export const listTokens = defineRoute({
  id: "listTokens",
  method: "get",
  path: "/v1/tokens",
  summary: "List your API tokens",
  tag: "tokens",
  auth: "user",
  status: 200,
  response: ApiTokenList,
});

export const createToken = defineRoute({
  id: "createToken",
  method: "post",
  path: "/v1/tokens",
  summary: "Create an API token (the secret is shown once)",
  tag: "tokens",
  auth: "user",
  body: CreateApiTokenRequest,
  status: 201,
  response: CreateApiTokenResponse,
});

export const deleteToken = defineRoute({
  id: "deleteToken",
  method: "delete",
  path: "/v1/tokens/:id",
  summary: "Revoke one of your API tokens",
  tag: "tokens",
  auth: "user",
  params: IdParams,
  status: 204,
});
