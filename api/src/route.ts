// A route described as data: method, path, who may call it and its schemas. The server mounts
// handlers from these, the OpenAPI document is generated from them and the web parses responses
// with the same schemas. Pure, no Node imports.
import type { z } from "zod";

export type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * Who may call: `public` anyone; `user` any signed-in user or API token (ownership checked by the
 * handler); `admin` admins only; `agent` a node's agent token.
 */
export type RouteAuth = "public" | "user" | "admin" | "agent";

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  readonly id: string;
  readonly method: HttpMethod;
  /** Express-style path, e.g. /v1/pairs/:id. */
  readonly path: string;
  readonly summary: string;
  readonly tag: string;
  readonly auth: RouteAuth;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly status: 200 | 201 | 202 | 204;
  /** Response body schema (absent for 204). */
  readonly response?: R;
  /** Extra content types the route can answer with (chosen by `?format=`). */
  readonly alternateContent?: readonly ("text/csv" | "text/html")[];
}

/** Keeps the literal types of a route (its audience and schemas) for typed handlers and clients. */
export function defineRoute<const S extends RouteSpec>(spec: S): S {
  return spec;
}

/** Turns /v1/pairs/:id into /v1/pairs/{id} (OpenAPI path template). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/** Fills :params in a path, URI-encoding each value: for clients building request URLs. */
export function buildPath(path: string, params: Readonly<Record<string, string>>): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new TypeError(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}
