// The control plane serving HTTPS (certificate and key from configuration) against a real store:
// https:// URL, Secure session cookie, HSTS, TLS 1.2 at least; and plain HTTP refused off loopback.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "@pgaas/common";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { ADMIN, type Harness, startHarness } from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HSTS } from "../src/http/security-headers.js";
import { loadConfig } from "../src/index.js";

const BASE_ENV = {
  DATABASE_URL: "postgres://store@127.0.0.1:5432/pgaas",
  PGAAS_SECRET_KEY: Buffer.alloc(32, 7).toString("base64"),
};

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness({ tls: true });
  dir = await mkdtemp(join(tmpdir(), "pgaas-https-test-"));
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

const configError = (env: Record<string, string>) => {
  try {
    loadConfig({ ...BASE_ENV, ...env });
  } catch (error) {
    return error instanceof InputError ? [error.code, error.message] : error;
  }
  return "accepted";
};

describe("the control plane over HTTPS", () => {
  it("serves https:// with a Secure, HttpOnly session cookie and HSTS on every answer", async () => {
    expect(h.server.url).toBe(`https://127.0.0.1:${h.server.port}`);
    const login = await h.call("POST", "/v1/auth/login", { body: ADMIN });
    expect(login.status).toBe(200);
    const cookie = login.headers.get("set-cookie") ?? "";
    expect(cookie.split("; ").slice(1).sort()).toEqual([
      expect.stringMatching(/^Expires=/),
      "HttpOnly",
      "Max-Age=43200",
      "Path=/",
      "SameSite=Strict",
      "Secure",
    ]);
    const health = await h.call("GET", "/healthz");
    expect([health.status, health.headers.get("strict-transport-security")]).toEqual([200, HSTS]);
    const missing = await h.call("GET", "/v1/no-such-route");
    expect([missing.status, missing.headers.get("strict-transport-security")]).toEqual([404, HSTS]);
  });

  it("refuses TLS 1.1 and accepts TLS 1.2 clients", async () => {
    const handshake = (version: "TLSv1.1" | "TLSv1.2") =>
      new Promise<string>((resolve) => {
        const req = request(`${h.server.url}/healthz`, {
          ca: h.caCertificate,
          minVersion: version,
          maxVersion: version,
          // TLS 1.1 is off at OpenSSL's default security level on the client side too.
          ciphers: "DEFAULT:@SECLEVEL=0",
          agent: false,
        });
        req.on("response", (res) => {
          res.resume();
          resolve(
            `${res.socket && "getProtocol" in res.socket ? (res.socket as { getProtocol(): string }).getProtocol() : "?"} ${res.statusCode}`,
          );
        });
        req.on("error", (error: Error & { code?: string }) =>
          resolve(`refused ${error.code ?? error.message}`),
        );
        req.end();
      });
    expect(await handshake("TLSv1.2")).toBe("TLSv1.2 200");
    expect(await handshake("TLSv1.1")).toMatch(/^refused /);
  });

  it("refuses to serve plain HTTP off loopback, naming the fix", () => {
    expect(configError({ PGAAS_LISTEN_HOST: "127.0.0.1,10.231.210.1" })).toEqual([
      "plaintext_listen_refused",
      "invalid configuration: PGAAS_LISTEN_HOST: plain HTTP is served on loopback addresses only (10.231.210.1 is not): set PGAAS_TLS_CERT_FILE and PGAAS_TLS_KEY_FILE to serve HTTPS",
    ]);
    expect((configError({ PGAAS_LISTEN_HOST: "0.0.0.0" }) as string[])[0]).toBe("plaintext_listen_refused");
    const plain = loadConfig({ ...BASE_ENV, PGAAS_LISTEN_HOST: "127.0.0.1,::1" });
    expect([plain.listenHosts, plain.tls, plain.secureCookies]).toEqual([
      ["127.0.0.1", "::1"],
      undefined,
      false,
    ]);
  });

  it("reads the certificate and a private key file at start, Secure cookies implied", async () => {
    const tls = ensureControlPlaneTls(join(dir, "tls"), ["10.231.210.1"]);
    const config = loadConfig({
      ...BASE_ENV,
      PGAAS_LISTEN_HOST: "10.231.210.1",
      PGAAS_TLS_CERT_FILE: tls.certFile,
      PGAAS_TLS_KEY_FILE: tls.keyFile,
    });
    expect([
      config.listenHosts,
      config.secureCookies,
      config.tls?.certificate.startsWith("-----BEGIN CERTIFICATE-----"),
    ]).toEqual([["10.231.210.1"], true, true]);
    const readable = join(dir, "readable.key");
    await writeFile(readable, "-----BEGIN PRIVATE KEY-----\n");
    await chmod(readable, 0o644);
    expect(configError({ PGAAS_TLS_CERT_FILE: tls.certFile, PGAAS_TLS_KEY_FILE: readable })).toEqual([
      "invalid_config",
      `invalid configuration: PGAAS_TLS_KEY_FILE: ${readable} must not be readable by others (chmod 600)`,
    ]);
    expect(configError({ PGAAS_TLS_CERT_FILE: tls.certFile })).toEqual([
      "invalid_config",
      "invalid configuration: PGAAS_TLS_CERT_FILE: set together with PGAAS_TLS_KEY_FILE (or neither)",
    ]);
  });
});
