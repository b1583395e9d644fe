// Finds the caller from the session cookie or an `Authorization: Bearer` token (API or agent).

import { SESSION_COOKIE } from "@pgaas/api";
import { UnauthenticatedError } from "@pgaas/common";
import type { Request } from "express";
import { tokenKind } from "../crypto/tokens.js";
import type { Actor } from "../services/actor.js";
import type { Pairs } from "../services/pairs.js";
import type { Users } from "../services/users.js";

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return decodeCookieValue(rest.join("="));
  }
  return undefined;
}

/** A malformed escape is a bad credential (answered 401), not a server error. */
function decodeCookieValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return "";
  }
}

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer (\S+)$/i.exec(req.get("authorization") ?? "");
  return match?.[1];
}

export type Authenticate = (req: Request) => Promise<Actor | undefined>;

/** Returns undefined without credentials; throws when credentials were presented but are invalid. */
export function createAuthenticate(users: Users, pairs: Pairs): Authenticate {
  return async (req) => {
    const bearer = bearerToken(req);
    if (bearer !== undefined) {
      const kind = tokenKind(bearer);
      const actor =
        kind === "api"
          ? await users.byApiToken(bearer)
          : kind === "agent"
            ? await pairs.agentByToken(bearer)
            : undefined;
      if (actor === undefined)
        throw new UnauthenticatedError("invalid or expired token", { code: "invalid_token" });
      return actor;
    }
    const session = readCookie(req.get("cookie"), SESSION_COOKIE);
    if (session === undefined) return undefined;
    const actor = tokenKind(session) === "sess" ? await users.bySession(session) : undefined;
    if (actor === undefined)
      throw new UnauthenticatedError("session expired; sign in again", { code: "session_expired" });
    return actor;
  };
}
