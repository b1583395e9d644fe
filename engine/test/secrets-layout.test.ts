import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { memberLayout } from "../src/layout.js";
import { generatePairSecrets, pairSecretsFrom, revealPairSecrets } from "../src/secrets.js";
import { SPEC } from "./fixtures.js";

const run = promisify(execFile);

describe("generatePairSecrets", () => {
  it("makes distinct passwords and an OpenSSH ed25519 key whose public half matches", async () => {
    const secrets = generatePairSecrets("orders");
    const passwords = [secrets.superuserPassword, secrets.repmgrPassword, secrets.adminPassword].map((s) =>
      s.reveal(),
    );
    expect(new Set(passwords).size).toBe(3);
    for (const password of passwords) expect(password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const dir = await mkdtemp(join(tmpdir(), "pgaas-key-"));
    try {
      await writeFile(join(dir, "key"), secrets.postgresSshPrivateKey.reveal(), { mode: 0o600 });
      const { stdout } = await run("ssh-keygen", ["-y", "-f", join(dir, "key")]);
      expect(stdout.trim()).toBe(secrets.postgresSshPublicKey);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("never prints a secret, and round-trips through its stored form", () => {
    const secrets = generatePairSecrets("orders");
    expect(JSON.stringify(secrets)).not.toContain(secrets.repmgrPassword.reveal());
    const again = pairSecretsFrom(revealPairSecrets(secrets));
    expect(again.repmgrPassword.reveal()).toBe(secrets.repmgrPassword.reveal());
    expect(again.postgresSshPrivateKey.reveal()).toBe(secrets.postgresSshPrivateKey.reveal());
  });
});

describe("memberLayout", () => {
  it("keeps every per-member path distinct between members sharing one filesystem", () => {
    const layouts = ["n1", "n2", "w"].map((member) => memberLayout(SPEC, member));
    const perMember = (l: ReturnType<typeof memberLayout>) => [
      l.dataDir,
      l.configDir,
      l.runDir,
      l.logDir,
      l.stateDir,
      l.agentDir,
      l.fenceMarker,
      l.spoolDir,
    ];
    const all = layouts.flatMap(perMember);
    expect(new Set(all).size).toBe(all.length);
    expect(layouts.map((l) => l.pgpass)).toEqual([
      "/etc/pgaas/orders/pgpass",
      "/etc/pgaas/orders/pgpass",
      "/etc/pgaas/orders/pgpass",
    ]);
    expect(layouts[0]).toMatchObject({
      dataDir: "/var/lib/pgaas/orders/n1/data",
      configDir: "/etc/pgaas/orders/n1",
      runDir: "/run/pgaas/orders/n1",
      logDir: "/var/log/pgaas/orders/n1",
      agentDir: "/opt/pgaas/orders/n1/agent",
      fenceMarker: "/var/lib/pgaas/orders/n1/FENCED",
    });
  });
});
