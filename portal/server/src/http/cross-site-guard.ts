// Refuses writes a browser could be tricked into sending with the session cookie. SameSite alone does
// not cover sibling subdomains or older browsers, and a cross-site form can post text/plain without
// a preflight. A cookie-authenticated write must therefore be JSON and come from this origin (Origin,
// or Sec-Fetch-Site when a browser sent no Origin). Bearer-token calls are not affected: a browser
// never adds that header by itself.

import { SESSION_COOKIE } from "@pgaas/api";
import { ForbiddenError } from "@pgaas/common";
import type { Request, RequestHandler } from "express";
import { readCookie } from "./authenticate.js";

const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function hasBearer(req: Request): boolean {
  return /^Bearer \S+$/i.test(req.get("authorization") ?? "");
}

function isJson(req: Request): boolean {
  const type = (req.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/json";
}

/** Origin names this server as the browser reached it (scheme and host:port). */
function sameOrigin(req: Request, origin: string): boolean {
  try {
    const url = new URL(origin);
    return url.protocol === `${req.protocol}:` && url.host === req.host;
  } catch {
    return false;
  }
}

function refuse(message: string, code: string): never {
  throw new ForbiddenError(message, { code });
}

export function crossSiteGuard(): RequestHandler {
  return (req, _res, next) => {
    if (!WRITE_METHODS.has(req.method) || hasBearer(req)) return next();
    const origin = req.get("origin");
    const fetchSite = req.get("sec-fetch-site");
    const withCookie = readCookie(req.get("cookie"), SESSION_COOKIE) !== undefined;
    // A browser's cross-site attempt is refused even without a cookie (e.g. signing a victim in to
    // the attacker's account); tools that send neither header and no cookie (curl, the SDK) pass.
    if (origin !== undefined && !sameOrigin(req, origin))
      refuse("cross-site request refused", "cross_site_request");
    if (
      origin === undefined &&
      fetchSite !== undefined &&
      fetchSite !== "same-origin" &&
      fetchSite !== "none"
    )
      refuse("cross-site request refused", "cross_site_request");
    if (!withCookie) return next();
    if (origin === undefined && fetchSite !== "same-origin")
      refuse("a signed-in write needs a same-origin Origin header", "cross_site_request");
    if (!isJson(req)) refuse("a signed-in write must be sent as application/json", "json_required");
    next();
  };
}
