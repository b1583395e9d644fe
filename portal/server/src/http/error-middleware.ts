// The one place errors become HTTP: typed domain errors map to a status and the standard body;
// anything else is an internal_error without details (logged with its message, never sent).

import type { ErrorBody } from "@pgaas/api";
import {
  ConflictError,
  ForbiddenError,
  InputError,
  type Logger,
  NotFoundError,
  PgaasError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
} from "@pgaas/common";
import type { ErrorRequestHandler, Response } from "express";

function statusFor(error: PgaasError): number {
  if (error instanceof InputError) return 400;
  if (error instanceof UnauthenticatedError) return 401;
  if (error instanceof ForbiddenError) return 403;
  if (error instanceof NotFoundError) return 404;
  if (error instanceof ConflictError) return 409;
  if (error instanceof RateLimitedError) return 429;
  if (error instanceof UnavailableError) return 503;
  return 500;
}

export function requestIdOf(res: Response): string {
  return String(res.locals.requestId ?? "");
}

/** Errors thrown by Express' body parser (too large, malformed JSON) carry `type` and `status`. */
function parserError(error: unknown): { status: number; code: string; message: string } | undefined {
  const type = (error as { type?: unknown }).type;
  if (type === "entity.too.large")
    return { status: 413, code: "payload_too_large", message: "request body too large" };
  if (type === "entity.parse.failed")
    return { status: 400, code: "invalid_json", message: "request body is not valid JSON" };
  if (typeof type === "string")
    return { status: 400, code: "invalid_body", message: "request body could not be read" };
  return undefined;
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    const requestId = requestIdOf(res);
    let status: number;
    let body: ErrorBody;
    if (error instanceof PgaasError) {
      status = statusFor(error);
      body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.details ? { details: { ...error.details } } : {}),
          ...(error.field === undefined ? {} : { field: error.field }),
        },
        requestId,
      };
      if (error instanceof RateLimitedError || error instanceof UnavailableError) {
        res.setHeader("Retry-After", String(error.retryAfterSeconds));
      }
      if (status >= 500) logger.warn("request failed", { requestId, code: error.code, error });
    } else {
      const parsed = parserError(error);
      status = parsed?.status ?? 500;
      body = {
        error: { code: parsed?.code ?? "internal_error", message: parsed?.message ?? "internal error" },
        requestId,
      };
      if (parsed === undefined) logger.error("unhandled error", { requestId, error });
    }
    res.status(status).json(body);
  };
}
