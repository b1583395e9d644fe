// Sign-in, users and API tokens.

import * as api from "@pgaas/api";
import { Secret, UnauthenticatedError } from "@pgaas/common";
import type { Router } from "express";
import type { Users } from "../../services/users.js";
import { readCookie } from "../authenticate.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAuth(router: Router, deps: MountDeps, users: Users, secureCookies: boolean): void {
  mount(router, deps, api.login, async ({ body, req, res }) => {
    // req.ip is the socket's address unless PGAAS_TRUSTED_PROXIES names the proxy in front.
    const client = req.ip ?? "unknown";
    let signedIn: Awaited<ReturnType<Users["login"]>>;
    try {
      signedIn = await users.login(body.email, new Secret(body.password), client);
    } catch (error) {
      // A wrong guess is audited with the account and client (never the password). Attempts the
      // throttle refused are not: the audit log grows no faster than the throttle admits guesses.
      if (error instanceof UnauthenticatedError) res.locals.auditDetails = { email: body.email, client };
      throw error;
    }
    const { user, session } = signedIn;
    res.locals.auditDetails = { email: body.email, client };
    res.locals.actor = {
      kind: "user",
      id: user.id,
      email: user.email,
      role: user.role,
      via: { kind: "session" },
    };
    res.cookie(api.SESSION_COOKIE, session.reveal(), {
      httpOnly: true,
      sameSite: "strict",
      secure: secureCookies,
      path: "/",
      maxAge: 12 * 3600_000,
    });
    return { user };
  });
  mount(router, deps, api.logout, async ({ req, res }) => {
    const session = readCookie(req.get("cookie"), api.SESSION_COOKIE);
    if (session !== undefined) await users.logout(session);
    res.clearCookie(api.SESSION_COOKIE, { path: "/" });
  });
  mount(router, deps, api.me, async ({ actor }) => ({ user: await users.get(actor.id) }));
  mount(router, deps, api.listUsers, async () => ({ users: await users.list() }));
  mount(router, deps, api.createUser, async ({ body }) => ({ user: await users.create(body) }));
  mount(router, deps, api.updateUser, async ({ params, body }) => ({
    user: await users.update(params.id, body),
  }));
  mount(router, deps, api.deleteUser, async ({ actor, params, res }) => {
    const deleted = await users.remove(actor, params.id);
    // The audit log names a deleted user "deleted user"; this entry keeps who it was.
    res.locals.auditDetails = { email: deleted.email, role: deleted.role };
  });
  mount(router, deps, api.listTokens, async ({ actor }) => ({ tokens: await users.listTokens(actor.id) }));
  mount(router, deps, api.createToken, async ({ actor, body }) => users.createToken(actor.id, body));
  mount(router, deps, api.deleteToken, async ({ actor, params }) => users.deleteToken(actor.id, params.id));
}
