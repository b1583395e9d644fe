// Domain errors that know nothing of HTTP. One middleware in the portal maps `code` to a status;
// codes are stable snake_case strings and never change meaning once shipped.

export interface ErrorDetails {
  readonly [key: string]: unknown;
}

/** What a domain error may carry besides its message. */
export interface PgaasErrorOptions {
  readonly code?: string;
  readonly details?: ErrorDetails;
  /** The request field the error is about (`name` of a duplicate database): clients show it there. */
  readonly field?: string;
  readonly cause?: unknown;
}

export abstract class PgaasError extends Error {
  abstract readonly code: string;
  readonly details: ErrorDetails | undefined;
  readonly field: string | undefined;

  constructor(message: string, options?: Omit<PgaasErrorOptions, "code">) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
    this.field = options?.field;
  }
}

/** The caller sent something invalid; `details` names the fields. */
export class InputError extends PgaasError {
  readonly code: string;
  constructor(message: string, options?: PgaasErrorOptions) {
    super(message, options);
    this.code = options?.code ?? "invalid_input";
  }
}

export class NotFoundError extends PgaasError {
  readonly code: string;
  constructor(message: string, options?: PgaasErrorOptions) {
    super(message, options);
    this.code = options?.code ?? "not_found";
  }
}

export class ConflictError extends PgaasError {
  readonly code: string;
  constructor(message: string, options?: PgaasErrorOptions) {
    super(message, options);
    this.code = options?.code ?? "conflict";
  }
}

export class UnauthenticatedError extends PgaasError {
  readonly code: string;
  constructor(message = "authentication required", options?: { code?: string; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? "unauthenticated";
  }
}

export class ForbiddenError extends PgaasError {
  readonly code: string;
  constructor(message = "not allowed", options?: { code?: string; cause?: unknown }) {
    super(message, options);
    this.code = options?.code ?? "forbidden";
  }
}

/** A dependency (a pair, the store) cannot serve now; `retryAfterSeconds` says when to try again. */
export class UnavailableError extends PgaasError {
  readonly code: string;
  readonly retryAfterSeconds: number;
  constructor(
    message: string,
    options?: { code?: string; retryAfterSeconds?: number; details?: ErrorDetails; cause?: unknown },
  ) {
    super(message, options);
    this.code = options?.code ?? "unavailable";
    this.retryAfterSeconds = options?.retryAfterSeconds ?? 5;
  }
}

/** Too many attempts; `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends PgaasError {
  readonly code = "rate_limited";
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** Writes an error's message and its cause chain on one line, for logs and CLI output. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 5; depth += 1) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ");
}
