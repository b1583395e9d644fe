// The one typed client of the control-plane API. A call names a route from this package: its params,
// query and body are checked with the route's schemas before anything is sent, the answer is parsed
// with the route's response schema, and an error answer becomes the typed error from @pgaas/common
// that a caller can act on (404 → NotFoundError, 409 → ConflictError, …). No Express, no DOM: it
// runs wherever `fetch` does.
import type { Secret } from "@pgaas/common";
// The errors alone, not the whole package: the web UI bundles this client, and logs need Node.
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  type PgaasError,
  UnauthenticatedError,
  UnavailableError,
} from "@pgaas/common/errors";
import type { z } from "zod";
import { ErrorBody } from "./common.js";
import { plainMessage } from "./issue-messages.js";
import { buildPath, type RouteSpec } from "./route.js";

/** Path params and body are required exactly when the route declares them; a query is optional. */
type Required<S, K extends string> = S extends { readonly [k in K]: infer T extends z.ZodType }
  ? { readonly [k in K]: z.input<T> }
  : { readonly [k in K]?: undefined };
type Optional<S, K extends string> = S extends { readonly [k in K]: infer T extends z.ZodType }
  ? { readonly [k in K]?: z.input<T> }
  : { readonly [k in K]?: undefined };

export type RouteCall<S extends RouteSpec> = Required<S, "params"> &
  Optional<S, "query"> &
  Required<S, "body">;

/** What a route answers: its response schema's output, or undefined for 204 routes. */
export type RouteResult<S extends RouteSpec> = S extends { readonly response: infer R extends z.ZodType }
  ? z.output<R>
  : undefined;

export interface CallOptions {
  /** An API token, sent as a bearer token. */
  readonly token?: Secret;
  /** A session cookie header value (`pgaas_session=…`). */
  readonly cookie?: string;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
  /** Default 60 s. */
  readonly timeoutMs?: number;
}

export async function callRoute<S extends RouteSpec>(
  baseUrl: string,
  route: S,
  input: RouteCall<S>,
  options: CallOptions = {},
): Promise<RouteResult<S>> {
  const method = route.method.toUpperCase();
  const given = input as { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
  checkInput(route, "params", route.params, given.params);
  checkInput(route, "query", route.query, given.query);
  checkInput(route, "body", route.body, given.body);
  const path = buildPath(route.path, given.params ?? {});
  const url = `${baseUrl}${path}${queryString(given.query)}`;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method,
      headers: {
        accept: "application/json",
        ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token.reveal()}` }),
        // A signed-in write names the server's own origin, as the portal's pages do.
        ...(options.cookie === undefined ? {} : { cookie: options.cookie, origin: new URL(baseUrl).origin }),
        ...(given.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: given.body === undefined ? undefined : JSON.stringify(given.body),
      signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
    });
  } catch (cause) {
    throw new UnavailableError(`control plane unreachable: ${method} ${url}`, {
      code: "control_plane_unreachable",
      cause,
    });
  }
  const text = await response.text();
  if (!response.ok) throw errorFromResponse(method, path, response, text);
  if (route.response === undefined) return undefined as RouteResult<S>;
  const parsed = route.response.safeParse(jsonOrText(text));
  if (!parsed.success) {
    throw new UnavailableError(`control plane answered ${method} ${path} with an unexpected body`, {
      code: "control_plane_bad_response",
      details: { issues: issuesOf(parsed.error) },
    });
  }
  return parsed.data as RouteResult<S>;
}

/** A request the server would refuse is refused here, before it leaves, naming the fields. */
function checkInput(route: RouteSpec, part: string, schema: z.ZodType | undefined, value: unknown): void {
  if (schema === undefined) {
    if (value === undefined) return;
    throw new InputError(`${route.id} takes no ${part}`, { code: "invalid_input" });
  }
  if (value === undefined && part === "query") return;
  const parsed = schema.safeParse(value, { error: plainMessage });
  if (!parsed.success) {
    throw new InputError(`invalid ${part} for ${route.id}`, {
      code: "invalid_input",
      details: { issues: issuesOf(parsed.error) },
    });
  }
}

function issuesOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

/** `?a=1&b=x`, leaving out undefined, null and empty values; "" when nothing is left. */
function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== "") params.set(key, String(value));
  }
  const search = params.toString();
  return search === "" ? "" : `?${search}`;
}

/** A body as JSON when it is JSON (a proxy's HTML page stays text and fails the schema check). */
function jsonOrText(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Maps an error answer to the typed error a caller can act on (404 → NotFoundError, …). */
function errorFromResponse(method: string, path: string, response: Response, text: string): PgaasError {
  const { status } = response;
  let code = `http_${status}`;
  let message = text.slice(0, 500);
  let requestId = "";
  const body = ErrorBody.safeParse(jsonOrText(text));
  if (body.success) {
    code = body.data.error.code;
    message = body.data.error.message;
    requestId = ` (request ${body.data.requestId})`;
  }
  // Not the API's error body (a proxy in between): the raw text stays the message.
  const summary = `control plane: ${method} ${path} → ${status} ${code}: ${message}${requestId}`;
  const options = { code, details: { status } };
  if (status === 400 || status === 422) return new InputError(summary, options);
  if (status === 401) return new UnauthenticatedError(summary, { code });
  if (status === 403) return new ForbiddenError(summary, { code });
  if (status === 404) return new NotFoundError(summary, options);
  if (status === 409) return new ConflictError(summary, options);
  const retryAfterSeconds = Number(response.headers.get("retry-after") ?? Number.NaN);
  return new UnavailableError(summary, {
    ...options,
    ...(Number.isFinite(retryAfterSeconds) ? { retryAfterSeconds } : {}),
  });
}
