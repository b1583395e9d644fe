// What a browser may do with the session cookie, the headers every answer carries, and who may read
// /metrics: over HTTP against a real store.

import {
  ADMIN,
  type Auth,
  type Harness,
  loginCookie,
  pairRegistration,
  startHarness,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_CSP, DOCS_CSP } from "../src/http/security-headers.js";

let h: Harness;
let admin: Auth;
let member: Auth;
let adminToken = "";
let agentToken = "";
const EVIL = "https://evil.example";

const errorOf = (reply: { status: number; body: unknown }) => [
  reply.status,
  (reply.body as { error: { code: string; message: string } }).error,
];

async function tokenCount(): Promise<number> {
  const reply = await h.call("GET", "/v1/tokens", { auth: member });
  return (reply.body as { tokens: unknown[] }).tokens.length;
}

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  await h.call("POST", "/v1/users", {
    auth: admin,
    body: { email: "member@example.com", password: "member-password-1", role: "member" },
  });
  member = { cookie: await loginCookie(h, "member@example.com", "member-password-1") };
  const created = await h.call("POST", "/v1/tokens", { auth: admin, body: { name: "scraper" } });
  adminToken = (created.body as { secret: string }).secret;
  const pair = await h.call("POST", "/v1/pairs", {
    auth: admin,
    body: pairRegistration(h),
  });
  agentToken = (pair.body as { agentTokens: Record<string, string> }).agentTokens.n1 as string;
});

afterAll(async () => {
  await h?.stop();
});

describe("cookie-authenticated writes", () => {
  const body = JSON.stringify({ name: "planted" });

  it("refuses a cross-site text/plain form post with the cookie", async () => {
    const reply = await h.call("POST", "/v1/tokens", {
      auth: member,
      raw: body,
      headers: { origin: EVIL, "content-type": "text/plain" },
    });
    expect(errorOf(reply)).toEqual([
      403,
      { code: "cross_site_request", message: "cross-site request refused" },
    ]);
  });

  it("refuses a same-origin write that is not JSON", async () => {
    const reply = await h.call("POST", "/v1/tokens", {
      auth: member,
      raw: body,
      headers: { "content-type": "text/plain;charset=UTF-8" },
    });
    expect(errorOf(reply)).toEqual([
      403,
      { code: "json_required", message: "a signed-in write must be sent as application/json" },
    ]);
  });

  it("refuses a cookie write with neither Origin nor Sec-Fetch-Site, or a cross-site Sec-Fetch-Site", async () => {
    const bare = await fetch(`${h.server.url}/v1/tokens`, {
      method: "POST",
      headers: { cookie: (member as { cookie: string }).cookie, "content-type": "application/json" },
      body,
    });
    expect(errorOf({ status: bare.status, body: await bare.json() })).toEqual([
      403,
      { code: "cross_site_request", message: "a signed-in write needs a same-origin Origin header" },
    ]);
    const crossSite = await fetch(`${h.server.url}/v1/tokens`, {
      method: "POST",
      headers: {
        cookie: (member as { cookie: string }).cookie,
        "content-type": "application/json",
        "sec-fetch-site": "cross-site",
      },
      body,
    });
    expect(errorOf({ status: crossSite.status, body: await crossSite.json() })).toEqual([
      403,
      { code: "cross_site_request", message: "cross-site request refused" },
    ]);
    expect(await tokenCount()).toBe(0);
  });

  it("accepts JSON from the same origin, by Origin or by Sec-Fetch-Site", async () => {
    const byOrigin = await h.call("POST", "/v1/tokens", { auth: member, body: { name: "by-origin" } });
    const bySite = await fetch(`${h.server.url}/v1/tokens`, {
      method: "POST",
      headers: {
        cookie: (member as { cookie: string }).cookie,
        "content-type": "application/json",
        "sec-fetch-site": "same-origin",
      },
      body: JSON.stringify({ name: "by-fetch-site" }),
    });
    expect([byOrigin.status, bySite.status]).toEqual([201, 201]);
    expect(await tokenCount()).toBe(2);
  });

  it("leaves bearer-token calls alone, whatever their Origin", async () => {
    const reply = await h.call("POST", "/v1/tokens", {
      auth: { bearer: adminToken },
      body: { name: "from-ci" },
      headers: { origin: EVIL },
    });
    expect(reply.status).toBe(201);
  });

  it("refuses a cross-site sign-in (no cookie yet) but not a tool's sign-in without Origin", async () => {
    const credentials = { email: ADMIN.email, password: ADMIN.password };
    const cross = await h.call("POST", "/v1/auth/login", { body: credentials, headers: { origin: EVIL } });
    expect(errorOf(cross)).toEqual([
      403,
      { code: "cross_site_request", message: "cross-site request refused" },
    ]);
    expect((await h.call("POST", "/v1/auth/login", { body: credentials })).status).toBe(200);
  });
});

describe("security headers", () => {
  const headersOf = (reply: { headers: Headers }) =>
    Object.fromEntries(
      [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "cross-origin-opener-policy",
        "cross-origin-resource-policy",
      ].map((name) => [name, reply.headers.get(name)]),
    );
  const expected = (csp: string) => ({
    "content-security-policy": csp,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
  });

  it("sends them on API answers, errors included", async () => {
    expect(APP_CSP).toBe(
      "default-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'; style-src 'self'; img-src 'self' data:",
    );
    expect(headersOf(await h.call("GET", "/healthz"))).toEqual(expected(APP_CSP));
    expect(headersOf(await h.call("GET", "/v1/nope"))).toEqual(expected(APP_CSP));
    expect(headersOf(await h.call("POST", "/v1/auth/login", { raw: "{" }))).toEqual(expected(APP_CSP));
  });

  it("gives /docs inline styles for Swagger UI and nothing more", async () => {
    expect(DOCS_CSP).toBe(APP_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"));
    expect(headersOf(await h.call("GET", "/docs"))).toEqual(expected(DOCS_CSP));
    expect(headersOf(await h.call("GET", "/docs/init.js"))).toEqual(expected(DOCS_CSP));
  });
});

describe("/metrics", () => {
  it("answers admins (an admin API token for scrapers) and nobody else", async () => {
    expect(errorOf(await h.call("GET", "/metrics"))).toEqual([
      401,
      { code: "unauthenticated", message: "authentication required" },
    ]);
    expect(errorOf(await h.call("GET", "/metrics", { auth: member }))).toEqual([
      403,
      { code: "forbidden", message: "admins only" },
    ]);
    expect(errorOf(await h.call("GET", "/metrics", { auth: { bearer: agentToken } }))).toEqual([
      403,
      { code: "forbidden", message: "admins only" },
    ]);
    const scraped = await h.call("GET", "/metrics", { auth: { bearer: adminToken } });
    expect([scraped.status, scraped.headers.get("content-type")]).toEqual([
      200,
      "text/plain; version=0.0.4; charset=utf-8",
    ]);
    expect(scraped.text).toContain('pgaas_agent_reports_total{outcome="accepted"} 0');
  });
});
