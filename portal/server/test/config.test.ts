// Pure: configuration from the environment: defaults, lists, every bad variable named, secret files.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";

describe("configuration", () => {
  const key = Buffer.alloc(32, 7).toString("base64");
  it("parses the environment with defaults", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key });
    expect([
      config.listenHosts,
      config.port,
      config.secretKey.length,
      config.initialAdmin,
      String(config.databaseUrl),
    ]).toEqual([["127.0.0.1"], 8080, 32, undefined, "[redacted]"]);
  });

  it("listens on every address of a comma-separated list and rejects other separators", () => {
    const env = { DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key };
    expect(loadConfig({ ...env, PGAAS_LISTEN_HOST: "127.0.0.1,127.0.0.2" }).listenHosts).toEqual([
      "127.0.0.1",
      "127.0.0.2",
    ]);
    expect(() => loadConfig({ ...env, PGAAS_LISTEN_HOST: "127.0.0.1 10.230.1.1" })).toThrow(
      "PGAAS_LISTEN_HOST: addresses separated by commas",
    );
  });

  it("names every bad variable", () => {
    expect(() =>
      loadConfig({ DATABASE_URL: "mysql://x", PGAAS_PORT: "70000", PGAAS_ADMIN_EMAIL: "admin@example.com" }),
    ).toThrow(
      "invalid configuration: DATABASE_URL: a postgres:// URL; PGAAS_PORT: Too big: expected number to be <=65535; " +
        "PGAAS_SECRET_KEY: required (or PGAAS_SECRET_KEY_FILE); PGAAS_ADMIN_EMAIL: set together with PGAAS_ADMIN_PASSWORD (or neither)",
    );
    expect(() => loadConfig({ DATABASE_URL: "postgres://x", PGAAS_SECRET_KEY: "c2hvcnQ=" })).toThrow(
      "PGAAS_SECRET_KEY must be 32 bytes encoded as base64 (got 5 bytes)",
    );
    expect(() =>
      loadConfig({ DATABASE_URL: "postgres://x", PGAAS_SECRET_KEY_FILE: "/nonexistent/key" }),
    ).toThrow("invalid configuration: PGAAS_SECRET_KEY_FILE: cannot read /nonexistent/key");
  });

  it("trusts no proxy by default and only the addresses and networks listed", () => {
    const env = { DATABASE_URL: "postgres://x@127.0.0.1/db", PGAAS_SECRET_KEY: key };
    expect(loadConfig(env).trustedProxies).toEqual([]);
    expect(
      loadConfig({ ...env, PGAAS_TRUSTED_PROXIES: "10.0.0.5, 192.168.0.0/16,::1" }).trustedProxies,
    ).toEqual(["10.0.0.5", "192.168.0.0/16", "::1"]);
    expect(() => loadConfig({ ...env, PGAAS_TRUSTED_PROXIES: "10.0.0.5,loopback" })).toThrow(
      "invalid configuration: PGAAS_TRUSTED_PROXIES.1: an IP address or a CIDR network",
    );
  });

  it("reads the store password from a file only others cannot read", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pgaas-config-"));
    try {
      const env = { DATABASE_URL: "postgres://portal@127.0.0.1/db", PGAAS_SECRET_KEY: key };
      const file = join(dir, "store-password");
      await writeFile(file, "s3cret-store\n", { mode: 0o600 });
      const config = loadConfig({ ...env, PGAAS_DATABASE_PASSWORD_FILE: file });
      expect(config.databasePassword?.reveal()).toBe("s3cret-store");
      await chmod(file, 0o644);
      expect(() => loadConfig({ ...env, PGAAS_DATABASE_PASSWORD_FILE: file })).toThrow(
        `invalid configuration: PGAAS_DATABASE_PASSWORD_FILE: ${file} must not be readable by others (chmod 600)`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
