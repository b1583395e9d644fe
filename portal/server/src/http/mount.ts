// Mounts a RouteSpec: authenticates, enforces the route's audience, parses params/query/body with
// its schemas (once), runs the handler, answers with the declared status, records mutations in the
// audit log (a failure with the error code and message the caller got).

import { type AuditFailure, plainMessage, type RouteSpec } from "@pgaas/api";
import { ForbiddenError, InputError, type Logger, PgaasError, UnauthenticatedError } from "@pgaas/common";
import type { Request, Response, Router } from "express";
import type { z } from "zod";
import type { Actor, AgentActor, UserActor } from "../services/actor.js";
import type { AuditLog } from "../services/audit.js";
import type { Authenticate } from "./authenticate.js";
import { requestIdOf } from "./error-middleware.js";

/** A non-JSON answer (CSV, HTML). */
export interface RawBody {
  readonly raw: string;
  readonly contentType: string;
  /** Offered as a download under this name (Content-Disposition: attachment). */
  readonly filename?: string;
  /** Replaces the default policy, for a document that carries its own stylesheet (the printable report). */
  readonly contentSecurityPolicy?: string;
}

type Field<S, K extends string> = S extends { readonly [key in K]: infer T extends z.ZodType }
  ? z.output<T>
  : undefined;
type ActorFor<A> = A extends "agent" ? AgentActor : A extends "public" ? Actor | undefined : UserActor;

export interface Context<S extends RouteSpec, A> {
  readonly params: Field<S, "params">;
  readonly query: Field<S, "query">;
  readonly body: Field<S, "body">;
  readonly actor: ActorFor<A>;
  readonly requestId: string;
  readonly req: Request;
  readonly res: Response;
}

export interface MountDeps {
  readonly authenticate: Authenticate;
  readonly audit: AuditLog;
  /** Routes whose calls are not written to the audit log (high-volume agent traffic). */
  readonly unaudited: ReadonlySet<string>;
  /** Where a failure to write the audit record goes (the answer has been sent already). */
  readonly logger: Logger;
}

function parse<T extends z.ZodType>(
  schema: T | undefined,
  value: unknown,
  where: string,
): z.output<T> | undefined {
  if (schema === undefined) return undefined;
  const result = schema.safeParse(value ?? {}, { error: plainMessage });
  if (result.success) return result.data;
  throw new InputError(`invalid ${where}`, {
    code: "invalid_input",
    details: {
      [where]: result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message })),
    },
  });
}

/** What the caller was told, never more: an unexpected error is recorded as the client saw it. */
function auditFailure(error: unknown): AuditFailure {
  return error instanceof PgaasError
    ? { code: error.code, message: error.message }
    : { code: "internal_error", message: "internal error" };
}

function enforce(auth: RouteSpec["auth"], actor: Actor | undefined): void {
  if (auth === "public") return;
  if (actor === undefined) throw new UnauthenticatedError();
  if (auth === "agent") {
    if (actor.kind !== "agent") throw new ForbiddenError("agent token required");
    return;
  }
  if (actor.kind !== "user") throw new ForbiddenError("an agent token cannot call this route");
  if (auth === "admin" && actor.role !== "admin") throw new ForbiddenError("admins only");
}

export function mount<S extends RouteSpec>(
  router: Router,
  deps: MountDeps,
  spec: S,
  handler: (context: Context<S, S["auth"]>) => Promise<unknown>,
): void {
  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const requestId = requestIdOf(res);
    let actor: Actor | undefined;
    // Written before the caller hears the outcome, success or failure: the log's order is the order in
    // which callers learned what happened, and no answer precedes its record.
    const writeAudit = async (outcome: "succeeded" | "failed", failure?: AuditFailure) => {
      // A public route (login) may name who it turned out to be, and add details worth keeping even
      // when nobody was authenticated (a failed sign-in).
      actor ??= res.locals.actor as Actor | undefined;
      const extraDetails = res.locals.auditDetails as Record<string, unknown> | undefined;
      if (
        spec.method === "get" ||
        deps.unaudited.has(spec.id) ||
        (actor === undefined && outcome === "failed" && extraDetails === undefined)
      )
        return;
      const id = (req.params as Record<string, string | undefined>).id ?? null;
      await deps.audit
        .record({
          actor,
          action: spec.id,
          targetType: spec.tag,
          targetId: id,
          outcome,
          ...(failure === undefined ? {} : { failure }),
          requestId,
          details: { method: spec.method.toUpperCase(), path: spec.path, ...extraDetails },
        })
        .catch((error: unknown) =>
          deps.logger.error("audit record failed", { requestId, action: spec.id, error }),
        );
    };
    let result: unknown;
    try {
      actor = spec.auth === "public" ? undefined : await deps.authenticate(req);
      enforce(spec.auth, actor);
      const context = {
        params: parse(spec.params, req.params, "params"),
        query: parse(spec.query, req.query, "query"),
        body: parse(spec.body, req.body, "body"),
        actor,
        requestId,
        req,
        res,
      } as Context<S, S["auth"]>;
      result = await handler(context);
    } catch (error) {
      await writeAudit("failed", auditFailure(error));
      throw error;
    }
    await writeAudit("succeeded");
    if (spec.status === 204) {
      res.status(204).end();
    } else if (result !== null && typeof result === "object" && "raw" in result && "contentType" in result) {
      const raw = result as RawBody;
      if (raw.filename !== undefined) res.attachment(raw.filename);
      if (raw.contentSecurityPolicy !== undefined)
        res.setHeader("Content-Security-Policy", raw.contentSecurityPolicy);
      res.status(spec.status).type(raw.contentType).send(raw.raw);
    } else {
      res.status(spec.status).json(result);
    }
  });
}
