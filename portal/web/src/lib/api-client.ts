// The one way the portal talks to the control plane: same-origin fetch with the session cookie,
// every response body parsed by the route's zod schema, every failure turned into an ApiError.
import { buildPath, ErrorBody, type RouteSpec } from "@pgaas/api";
import { z } from "zod";
import { env } from "../config/env.js";
import { ApiError } from "./api-error.js";

/** Fired on any 401, so the session gate can show the sign-in page again. */
export const SESSION_ENDED_EVENT = "pgaas:session-ended";

export type QueryValue = string | number | boolean | undefined | null;

export interface RequestOptions<T> {
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** Parses the success body; `null` for 204 responses. */
  schema: z.ZodType<T>;
  signal?: AbortSignal;
}

/** Builds an absolute-path URL under the API base; undefined/null/"" query values are left out. */
export function apiUrl(path: string, query?: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return `${env.VITE_PGAAS_API_BASE}${path}${search ? `?${search}` : ""}`;
}

function retryAfter(response: Response): number | undefined {
  const header = response.headers.get("retry-after");
  const seconds = header === null ? Number.NaN : Number(header);
  return Number.isFinite(seconds) ? seconds : undefined;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function apiRequest<T>(path: string, options: RequestOptions<T>): Promise<T> {
  const init: RequestInit = {
    method: options.method ?? "GET",
    credentials: "same-origin",
    headers: { accept: "application/json" },
  };
  if (options.signal) init.signal = options.signal;
  // The server refuses signed-in writes that are not JSON (a cross-site form cannot send JSON).
  if (init.method !== "GET")
    init.headers = { accept: "application/json", "content-type": "application/json" };
  if (options.body !== undefined) init.body = JSON.stringify(options.body);
  let response: Response;
  try {
    response = await fetch(apiUrl(path, options.query), init);
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError({ code: "network_error", message: "the control plane did not answer", status: 0 });
  }
  const body = await readJson(response);
  if (!response.ok) {
    const parsed = ErrorBody.safeParse(body);
    if (response.status === 401) window.dispatchEvent(new Event(SESSION_ENDED_EVENT));
    throw new ApiError({
      code: parsed.success ? parsed.data.error.code : `http_${response.status}`,
      message: parsed.success ? parsed.data.error.message : response.statusText,
      status: response.status,
      details: parsed.success ? parsed.data.error.details : undefined,
      field: parsed.success ? parsed.data.error.field : undefined,
      requestId: parsed.success ? parsed.data.requestId : undefined,
      retryAfterSeconds: retryAfter(response),
    });
  }
  const parsed = options.schema.safeParse(body);
  if (!parsed.success) {
    throw new ApiError({
      code: "invalid_response",
      message: `unexpected answer from ${path}: ${parsed.error.issues[0]?.message ?? "invalid body"}`,
      status: response.status,
    });
  }
  return parsed.data;
}

const NoContent = z.null();

export interface RouteInput<B extends z.ZodType> {
  params?: Readonly<Record<string, string>>;
  query?: Record<string, QueryValue>;
  body?: z.input<B>;
  signal?: AbortSignal;
}

/** Calls a route described by the server's own `RouteSpec`, parsing the answer with its schema. */
export function callRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
  route: RouteSpec<P, Q, B, R>,
  input: RouteInput<B> = {},
): Promise<z.output<R>> {
  const path = buildPath(route.path, input.params ?? {});
  const options: RequestOptions<z.output<R>> = {
    method: route.method.toUpperCase() as NonNullable<RequestOptions<unknown>["method"]>,
    schema: (route.response ?? NoContent) as z.ZodType<z.output<R>>,
  };
  if (input.query) options.query = input.query;
  if (input.body !== undefined) options.body = input.body;
  if (input.signal) options.signal = input.signal;
  return apiRequest(path, options);
}

/** URL of a route for plain links (CSV download, printable report): same-origin, cookie auth. */
export function routeUrl(
  route: RouteSpec,
  params: Readonly<Record<string, string>>,
  query?: Record<string, QueryValue>,
): string {
  return apiUrl(buildPath(route.path, params), query);
}
