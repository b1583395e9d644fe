// System test: a control plane installed on a namespace host over SSH by the engine, from the built
// control-plane artefact (`npm run build` first), as it is installed on a cloud VM: its own store
// (Debian's PostgreSQL 15, socket only, a least-privilege role with a generated password kept in a
// 0600 file), TLS, the server as a service. The API then answers over HTTPS on the lab network,
// trusting only the test CA; a rerun changes nothing. Then the same through the provider's
// ControlPlaneHost (a second instance on the host) with the certificate and admin password it
// generates: created, updated without a change, and deleted with its store kept.
import { generateKeyPairSync } from "node:crypto";
import { memoryLogger, Secret } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import {
  CONTROL_PLANE_STORE_ROLE,
  type ControlPlaneInstallOptions,
  controlPlaneLayout,
  generatePairCa,
  installControlPlane,
  issueServerCertificate,
  loadControlPlaneArtefact,
  removeControlPlane,
} from "@pgaas/engine";
import { connectSsh, type SshSession } from "@pgaas/engine/ssh";
import { hostExec } from "@pgaas/engine/testing";
import { CONTROL_PLANE_ARTEFACT_PATH } from "@pgaas/portal/artefact";
import { withLab } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wireSecret } from "../../provider/src/plugin/wire-values.js";
import { controlPlaneHostHandler } from "../../provider/src/resources/control-plane-host.js";

const fixture = withLab({ range: { prefix: "pcp", first: "10.231.252.0/24", count: 1 }, hosts: ["cp"] });
const PORT = 8443;
const ADMIN = { email: "admin@example.com", password: "control-plane-host-pw" };
const STEPS = [
  "service user",
  "directories",
  "artefact",
  "store initdb",
  "store pg_hba.conf",
  "store service",
  "store ready",
  "store role",
  "secret key",
  "certificate",
  "ca certificate",
  "private key",
  "server service",
];

describe("a control plane on a host, installed over SSH", () => {
  let ssh: SshSession;
  let options: ControlPlaneInstallOptions;
  let name: string;

  beforeAll(async () => {
    const lab = fixture.lab;
    name = lab.prefix;
    const address = lab.host("cp").address;
    const ca = generatePairCa("control-plane");
    const key = new Secret(
      generateKeyPairSync("ec", { namedCurve: "P-256" })
        .privateKey.export({ format: "pem", type: "pkcs8" })
        .toString(),
    );
    const issued = issueServerCertificate(ca, "pgaas control plane", [address], key);
    options = {
      name,
      artefact: await loadControlPlaneArtefact(CONTROL_PLANE_ARTEFACT_PATH),
      listenAddress: address,
      port: PORT,
      tls: { certificate: issued.certificate, privateKey: key, caCertificate: ca.certificate },
      admin: { email: ADMIN.email, password: new Secret(ADMIN.password) },
      serviceManager: "detached",
      readyTimeoutSeconds: 90,
    };
    ssh = await connectSsh(lab.host("cp").ssh);
  });

  afterAll(async () => {
    if (ssh) {
      await removeControlPlane(ssh, { name, serviceManager: "detached" });
      await removeControlPlane(ssh, { name: `${name}-provider`, serviceManager: "detached" });
      // The system user is the test's own (namespace hosts share /etc/passwd with the machine).
      await ssh.run("userdel pgaas-control-plane", { step: "cleanup" });
      await ssh.run(
        "rmdir --ignore-fail-on-non-empty /etc/pgaas/control_plane /var/lib/pgaas/control_plane /var/log/pgaas/control_plane",
        { step: "cleanup" },
      );
      await ssh.close();
    }
  });

  it("installs store, artefact, TLS and server; the API answers over HTTPS with the pinned CA", async () => {
    const result = await installControlPlane(ssh, options);
    expect(result.url).toBe(`https://${options.listenAddress}:${PORT}`);
    expect(result.steps).toEqual(
      // Everything is new but the readiness wait, which never changes anything.
      STEPS.map((step) => ({ step, changed: step !== "store ready" })),
    );
    const fetchPinned = pinnedFetch(options.tls.caCertificate);
    const health = await fetchPinned(`${result.url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    // Another CA is not trusted: the certificate is the one the engine installed.
    await expect(pinnedFetch(generatePairCa("other").certificate)(`${result.url}/healthz`)).rejects.toThrow();
    const login = await fetchPinned(`${result.url}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: result.url },
      body: JSON.stringify(ADMIN),
    });
    expect(login.status).toBe(200);
  }, 240_000);

  it("keeps the store private: socket only, a role without privileges, its password in a 0600 file", async () => {
    const layout = controlPlaneLayout(name);
    const stat = await hostExec(fixture.lab, "cp", ["stat", "-c", "%a %U", layout.storePasswordFile]);
    expect(stat.stdout.trim()).toBe("600 pgaas-control-plane");
    const psql = (sql: string) =>
      hostExec(fixture.lab, "cp", [
        "runuser",
        "-u",
        "postgres",
        "--",
        "/usr/lib/postgresql/15/bin/psql",
        "-h",
        layout.storeSocketDir,
        "-XAt",
        "-c",
        sql,
      ]);
    expect(
      (
        await psql(
          `SELECT rolsuper, rolcreatedb, rolcreaterole, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = '${CONTROL_PLANE_STORE_ROLE}'`,
        )
      ).stdout.trim(),
    ).toBe("f|f|f|f|f");
    expect((await psql("SHOW listen_addresses")).stdout.trim()).toBe("");
    const password = (await hostExec(fixture.lab, "cp", ["cat", layout.storePasswordFile])).stdout.trim();
    expect(password).toMatch(/^[A-Za-z0-9]{40}$/);
    const logs = await hostExec(fixture.lab, "cp", ["grep", "-rlF", password, layout.logDir]);
    expect([logs.code, logs.stdout]).toEqual([1, ""]);
  });

  it("changes nothing when run again", async () => {
    const again = await installControlPlane(ssh, options);
    expect(again.changed).toBe(false);
    expect(again.steps).toEqual(STEPS.map((step) => ({ step, changed: false })));
  }, 120_000);

  it("through ControlPlaneHost: generated CA and password, an update without change, delete keeps the store", async () => {
    const lab = fixture.lab;
    const host = lab.host("cp");
    const props = {
      host: wireSecret({
        name: "control-plane",
        host: host.address,
        port: host.ssh.port,
        username: host.ssh.username,
        privateKey: host.ssh.privateKey.reveal(),
        hostKeySha256: `SHA256:${host.ssh.hostKeySha256}`,
        serviceManager: "detached",
      }),
      name: `${name}-provider`,
      listenAddress: host.address,
      port: 8444,
      adminEmail: ADMIN.email,
      readyTimeoutSeconds: 30,
    };
    const log = memoryLogger();
    const ctx = { config: { controlPlaneUrl: undefined, apiToken: undefined }, log, warn: async () => {} };
    const { inputs, failures } = await controlPlaneHostHandler.check({}, props);
    expect(failures).toEqual([]);
    const created = await controlPlaneHostHandler.create(inputs, ctx);
    const outs = created.outs as Record<string, unknown>;
    expect(outs.url).toBe(`https://${host.address}:8444`);
    const ca = String(outs.caCertificate);
    const health = await pinnedFetch(ca)(`${String(outs.url)}/healthz`);
    expect(health.status).toBe(200);
    const password = String((outs.adminPassword as { value: string }).value);
    const login = await pinnedFetch(ca)(`${String(outs.url)}/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: String(outs.url) },
      body: JSON.stringify({ email: ADMIN.email, password }),
    });
    expect(login.status).toBe(200);

    const updated = await controlPlaneHostHandler.update(created.id, outs, inputs, ctx);
    expect((updated.outs as Record<string, unknown>).caCertificate).toBe(ca);
    const installs = log.lines.filter((line) => line.includes('"control plane installed"'));
    expect(installs.map((line) => (JSON.parse(line) as { changed: string[] }).changed.length > 0)).toEqual([
      true,
      false,
    ]);

    await controlPlaneHostHandler.delete(created.id, outs, ctx);
    await expect(pinnedFetch(ca)(`${String(outs.url)}/healthz`)).rejects.toThrow();
    const kept = await hostExec(lab, "cp", [
      "test",
      "-s",
      `${controlPlaneLayout(`${name}-provider`).storeDataDir}/PG_VERSION`,
    ]);
    expect(kept.code).toBe(0);
  }, 240_000);
});
