// System test: a control plane installed on a namespace host over SSH by the engine, from the built
// control-plane artefact (`npm run build` first), as it is installed on a cloud VM: its own store
// (Debian's PostgreSQL 15, socket only, a least-privilege role with a generated password kept in a
// 0600 file), TLS, the server as a service. The API then answers over HTTPS on the lab network,
// trusting only the test CA; a rerun changes nothing.
import { generateKeyPairSync } from "node:crypto";
import { Secret } from "@pgaas/common";
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
      // The system user is the test's own (namespace hosts share /etc/passwd with the machine).
      await ssh.run("userdel pgaas-control-plane", { step: "cleanup" });
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
});
