// A small client of the control-plane API for the provider's resources: bearer token, a timeout,
// responses parsed with the API's own schemas and error bodies mapped to typed errors.
import {
  ConflictError,
  ForbiddenError,
  InputError,
  NotFoundError,
  type PgaasError,
  type Secret,
  UnauthenticatedError,
  UnavailableError,
} from "@pgaas/common";
import type { z } from "zod";
import type { ProviderConfig } from "../plugin/provider-config.js";
import { ErrorBody } from "./control-plane-api.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface ControlPlaneClient {
  /** Sends one request and parses the answer with `schema` (pass undefined for 204 answers). */
  request<T>(
    method: HttpMethod,
    path: string,
    options: { body?: unknown; schema?: z.ZodType<T> },
  ): Promise<T>;
}

export interface ControlPlaneClientOptions {
  readonly url: string;
  readonly token: Secret;
  readonly timeoutMs?: number;
}

/** The client for the configured control plane; a clear error naming the missing config otherwise. */
export function clientFromConfig(config: ProviderConfig, resource: string): ControlPlaneClient {
  if (config.controlPlaneUrl === undefined || config.apiToken === undefined) {
    throw new InputError(
      `${resource} needs the control plane: set pgaas:controlPlaneUrl and pgaas:apiToken (pulumi config set --secret pgaas:apiToken …)`,
      { code: "control_plane_not_configured" },
    );
  }
  return createControlPlaneClient({ url: config.controlPlaneUrl, token: config.apiToken });
}

export function createControlPlaneClient(options: ControlPlaneClientOptions): ControlPlaneClient {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return {
    async request(method, path, { body, schema }) {
      const url = `${options.url}${path}`;
      let response: Response;
      try {
        response = await fetch(url, {
          method,
          headers: {
            authorization: `Bearer ${options.token.reveal()}`,
            accept: "application/json",
            ...(body === undefined ? {} : { "content-type": "application/json" }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (cause) {
        throw new UnavailableError(`control plane unreachable: ${method} ${url}`, {
          code: "control_plane_unreachable",
          cause,
        });
      }
      const text = await response.text();
      if (!response.ok) throw errorFromResponse(method, path, response.status, text);
      if (schema === undefined) return undefined as never;
      const parsed = schema.safeParse(jsonOrText(text));
      if (!parsed.success) {
        throw new UnavailableError(`control plane answered ${method} ${path} with an unexpected body`, {
          code: "control_plane_bad_response",
          details: {
            issues: parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`),
          },
        });
      }
      return parsed.data;
    },
  };
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

/**
 * A request whose target may already be gone (read after an out-of-band delete, delete twice):
 * undefined instead of NotFoundError, so Pulumi sees "gone" rather than a failure.
 */
export async function unlessGone<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** Maps an error answer to the typed error a caller can act on (404 → NotFoundError, …). */
function errorFromResponse(method: string, path: string, status: number, text: string): PgaasError {
  let code = `http_${status}`;
  let message = text.slice(0, 500);
  let requestId = "";
  try {
    const body = ErrorBody.parse(JSON.parse(text));
    code = body.error.code;
    message = body.error.message;
    requestId = ` (request ${body.requestId})`;
  } catch {
    // Not the API's error body (a proxy in between): keep the raw text.
  }
  const text_ = `control plane: ${method} ${path} → ${status} ${code}: ${message}${requestId}`;
  const options = { code, details: { status } };
  if (status === 400 || status === 422) return new InputError(text_, options);
  if (status === 401) return new UnauthenticatedError(text_, { code });
  if (status === 403) return new ForbiddenError(text_, { code });
  if (status === 404) return new NotFoundError(text_, options);
  if (status === 409) return new ConflictError(text_, options);
  return new UnavailableError(text_, options);
}
