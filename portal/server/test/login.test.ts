// Sign-in under attack, over HTTP on a real store: a parallel burst of wrong passwords, another client
// signing in meanwhile, X-Forwarded-For only from configured proxies, failed attempts in the audit log.
import { randomBytes } from "node:crypto";
import { ADMIN, type Harness, loginCookie, startHarness } from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawReply, rawRequest } from "../../../scripts/security/http.js";
import { loadConfig, type RunningServer, startServer } from "../src/index.js";

let h: Harness;
let behindProxy: RunningServer | undefined;
const WRONG = "not-the-admin-password";
const ATTACKER = "127.0.0.3";

const login = (from: string, password: string, headers: Record<string, string> = {}, base = h.server.url) =>
  rawRequest(`${base}/v1/auth/login`, {
    method: "POST",
    body: { email: ADMIN.email, password },
    headers,
    localAddress: from,
  });

const errorOf = (reply: RawReply) => (reply.json as { error: { code: string; message: string } }).error;

interface AuditEntry {
  action: string;
  outcome: string;
  actor: string;
  details: Record<string, unknown>;
}

async function loginAudit(): Promise<AuditEntry[]> {
  const admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  const reply = await h.call("GET", "/v1/audit?action=login&limit=1000", { auth: admin });
  return (reply.body as { entries: AuditEntry[] }).entries;
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await behindProxy?.stop();
  await h?.stop();
});

describe("sign-in throttle", () => {
  it("answers 40 parallel wrong passwords with exactly 5 × 401 and 35 × 429", async () => {
    const replies = await Promise.all(Array.from({ length: 40 }, () => login(ATTACKER, WRONG)));
    const refused = replies.filter((reply) => reply.status === 401);
    const limited = replies.filter((reply) => reply.status === 429);
    expect([refused.length, limited.length]).toEqual([5, 35]);
    expect(refused.map(errorOf)).toEqual(
      Array(5).fill({ code: "invalid_credentials", message: "wrong email or password" }),
    );
    expect(limited.map(errorOf)).toEqual(
      Array(35).fill({ code: "rate_limited", message: "too many failed logins; try again later" }),
    );
    // The sixth guess may come 10 s after the fifth arrived; the burst arrived within that.
    const waits = limited.map((reply) => Number(reply.headers["retry-after"]));
    expect(waits.filter((seconds) => seconds >= 1 && seconds <= 10)).toHaveLength(35);
  });

  it("still lets the right password in from another client while the attacker waits", async () => {
    expect((await login(ATTACKER, ADMIN.password)).status).toBe(429);
    const other = await login("127.0.0.4", ADMIN.password);
    expect([other.status, (other.json as { user: { email: string } }).user.email]).toEqual([
      200,
      ADMIN.email,
    ]);
  });

  it("ignores X-Forwarded-For when no proxy is configured", async () => {
    const spoofed = await login(ATTACKER, WRONG, { "x-forwarded-for": "10.9.9.9" });
    expect([spoofed.status, errorOf(spoofed).code]).toEqual([429, "rate_limited"]);
  });

  it("audits each refused guess with account and client, without the password", async () => {
    const failed = (await loginAudit()).filter((entry) => entry.outcome === "failed");
    expect(failed).toHaveLength(5);
    expect(failed.map((entry) => [entry.actor, entry.details])).toEqual(
      Array(5).fill([
        "anonymous",
        { method: "POST", path: "/v1/auth/login", email: ADMIN.email, client: ATTACKER },
      ]),
    );
    expect(JSON.stringify(await loginAudit())).not.toContain(WRONG);
  });

  it("takes the client from X-Forwarded-For only when the peer is a configured proxy", async () => {
    behindProxy = await startServer(
      loadConfig({
        DATABASE_URL: h.store.url,
        PGAAS_PORT: "0",
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_TRUSTED_PROXIES: "127.0.0.5",
      }),
    );
    const viaProxy = await login(
      "127.0.0.5",
      "proxy-guess-1",
      { "x-forwarded-for": "10.1.2.3" },
      behindProxy.url,
    );
    const direct = await login(
      "127.0.0.6",
      "proxy-guess-2",
      { "x-forwarded-for": "10.1.2.3" },
      behindProxy.url,
    );
    expect([viaProxy.status, direct.status]).toEqual([401, 401]);
    const clients = (await loginAudit())
      .filter((entry) => entry.outcome === "failed")
      .map((entry) => entry.details.client);
    expect(clients.slice(0, 2).sort()).toEqual(["10.1.2.3", "127.0.0.6"]);
  });
});
