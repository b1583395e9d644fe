// Client certificates for grants over HTTP against a real store and a real managed PostgreSQL: who may
// issue, list and revoke; what a certificate says; how the role's login method changes on the node;
// and the client CA and CRL that agents reporting an older version get back with their acknowledgement.
import { spawnSync } from "node:child_process";
import { createPrivateKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ADMIN,
  ADMIN_ROLE_PASSWORD,
  type Auth,
  type Harness,
  loginCookie,
  pairRegistration,
  startHarness,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificatePsqlLine } from "../src/services/client-certificates.js";
import { createMembers } from "./support/members.js";
import { checkResponses } from "./support/openapi-check.js";
import { errorCode, recordedCalls } from "./support/recorded-calls.js";

let h: Harness;
let admin: Auth;
let owner: Auth;
let grantee: Auth;
let stranger: Auth;
let agent: Auth;
let grantId = "";
let databaseId = "";
let role = "";
let expiresAt = "";
const dir = mkdtempSync(join(tmpdir(), "pgaas-client-cert-api-"));

const { call, recorded } = recordedCalls(() => h);

interface Issued {
  clientCertificate: { id: string; serial: string; fingerprint: string; notAfter: string; state: string };
  certificate: string;
  privateKey: string;
  caCertificate: string | null;
  psql: string;
}
interface Ack {
  accepted: number;
  clientAuth?: { version: number; caCertificate: string; crl: string };
}

/** One state report from n1 with the given client-auth version (undefined: an agent without it). */
async function report(version: number | null | undefined): Promise<Ack> {
  const sample = version === undefined ? stateSample() : stateSample({ clientAuthVersion: version });
  const reply = await call("POST", "/v1/agent/report", {
    auth: agent,
    body: { reports: [stateReport(new Date(Date.now() - 500), sample)] },
  });
  expect(reply.status).toBe(200);
  return reply.body as Ack;
}

/** The certificate group roles `member` belongs to on the managed server. */
async function groups(member: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: h.node.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      `SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles r ON r.oid = m.member
        WHERE r.rolname = $1 AND g.rolname LIKE 'pgaas_cert%' ORDER BY 1`,
      [member],
    );
    return rows.map((row) => row.rolname);
  } finally {
    await client.end();
  }
}

function crlText(crl: string): string {
  const path = join(dir, `${Math.random().toString(36).slice(2)}.crl`);
  writeFileSync(path, crl);
  const { stdout, stderr } = spawnSync("openssl", ["crl", "-noout", "-text", "-in", path], {
    encoding: "utf8",
    timeout: 10_000,
  });
  return `${stdout}${stderr}`;
}

beforeAll(async () => {
  h = await startHarness();
  admin = { cookie: await loginCookie(h, ADMIN.email, ADMIN.password) };
  [owner, grantee, stranger] = await createMembers(
    h,
    admin,
    ["owner@example.com", "grantee@example.com", "stranger@example.com"],
    call,
  );
  const pair = await call("POST", "/v1/pairs", { auth: admin, body: pairRegistration(h) });
  expect(pair.status).toBe(201);
  const { pair: registered, agentTokens } = pair.body as {
    pair: { id: string };
    agentTokens: Record<string, string>;
  };
  agent = { bearer: agentTokens.n1 as string };
  expect((await report(undefined)).clientAuth).toBeUndefined();
  const created = await call("POST", "/v1/databases", {
    auth: owner,
    body: { pairId: registered.id, name: "ledger" },
  });
  expect(created.status).toBe(201);
  databaseId = (created.body as { database: { id: string } }).database.id;
  const request = await call("POST", "/v1/access-requests", {
    auth: grantee,
    body: { databaseId, level: "read_only", reason: "reports" },
  });
  expect(request.status).toBe(201);
  grantId = (request.body as { accessRequest: { id: string } }).accessRequest.id;
  expiresAt = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2 * 3_600_000).toISOString();
  const approved = await call("POST", `/v1/access-requests/${grantId}/approve`, {
    auth: owner,
    body: { expiresAt },
  });
  expect(approved.status).toBe(200);
  role = (approved.body as { accessRequest: { roleName: string } }).accessRequest.roleName;
}, 120_000);

afterAll(async () => {
  await h?.stop();
  rmSync(dir, { recursive: true, force: true });
});

let first: Issued;

describe("issuing", () => {
  it("is for the requester of a live grant only, with a certificate method", async () => {
    const path = `/v1/access-requests/${grantId}/certificates`;
    expect((await call("POST", path, { auth: stranger, body: { method: "certificate" } })).status).toBe(404);
    const byOwner = await call("POST", path, { auth: owner, body: { method: "certificate" } });
    expect(byOwner.status).toBe(403);
    const password = await call("POST", path, { auth: grantee, body: { method: "password" } });
    expect(password.status).toBe(400);
    const tooLong = await call("POST", path, {
      auth: grantee,
      body: { method: "certificate", validDays: 0 },
    });
    expect(tooLong.status).toBe(400);
  });

  it("returns the certificate (CN = the grant's role, expiring with the grant), its key once, and a psql line", async () => {
    const reply = await call("POST", `/v1/access-requests/${grantId}/certificates`, {
      auth: grantee,
      body: { method: "certificate", validDays: 30 },
    });
    expect(reply.status).toBe(201);
    first = reply.body as Issued;
    const cert = new X509Certificate(first.certificate);
    expect(cert.subject).toBe(`O=pgaas\nCN=${role}`);
    expect(cert.issuer).toBe("O=pgaas\nCN=pgaas orders client CA");
    expect(cert.validToDate.toISOString()).toBe(expiresAt);
    expect(first.clientCertificate.notAfter).toBe(expiresAt);
    expect(first.clientCertificate.state).toBe("active");
    expect(cert.serialNumber.toLowerCase()).toBe(first.clientCertificate.serial);
    expect(cert.fingerprint256.replaceAll(":", "").toLowerCase()).toBe(first.clientCertificate.fingerprint);
    expect(cert.checkPrivateKey(createPrivateKey(first.privateKey))).toBe(true);
    expect(first.caCertificate).toBeNull();
    expect(first.psql).toBe(
      `psql 'host=127.0.0.1 port=${h.node.port} dbname=ledger user=${role} sslmode=require sslcert=client.crt sslkey=client.key'`,
    );
    expect(await groups(role)).toEqual(["pgaas_cert_auth"]);
  });

  it("lists the grant's certificates to the requester and the owner, never the key", async () => {
    for (const auth of [grantee, owner, admin]) {
      const reply = await call("GET", `/v1/access-requests/${grantId}/certificates`, { auth });
      expect(reply.status).toBe(200);
      expect(reply.body).toEqual({ clientCertificates: [first.clientCertificate] });
    }
    expect(
      (await call("GET", `/v1/access-requests/${grantId}/certificates`, { auth: stranger })).status,
    ).toBe(404);
  });

  it("switches the role to certificate plus password with a second certificate", async () => {
    const reply = await call("POST", `/v1/access-requests/${grantId}/certificates`, {
      auth: grantee,
      body: { method: "certificate+password" },
    });
    expect(reply.status).toBe(201);
    expect(await groups(role)).toEqual(["pgaas_cert_password"]);
  });
});

describe("the client CA and CRL on the agents' acknowledgements", () => {
  it("go to an agent reporting none or an older version, not to one that is current or does not manage them", async () => {
    const fresh = await report(null);
    expect(fresh.clientAuth?.version).toBe(1);
    const ca = new X509Certificate(fresh.clientAuth?.caCertificate ?? "");
    expect(new X509Certificate(first.certificate).checkIssued(ca)).toBe(true);
    expect(crlText(fresh.clientAuth?.crl ?? "")).toContain("No Revoked Certificates.");
    expect((await report(1)).clientAuth).toBeUndefined();
    expect((await report(undefined)).clientAuth).toBeUndefined();
  });

  it("carry a CRL listing a certificate revoked by its requester, with the next number", async () => {
    expect(
      (await call("POST", `/v1/client-certificates/${first.clientCertificate.id}/revoke`, { auth: stranger }))
        .status,
    ).toBe(404);
    const reply = await call("POST", `/v1/client-certificates/${first.clientCertificate.id}/revoke`, {
      auth: grantee,
    });
    expect(reply.status).toBe(200);
    const revoked = (reply.body as { clientCertificate: { state: string; revokedAt: string | null } })
      .clientCertificate;
    expect(revoked.state).toBe("revoked");
    expect(revoked.revokedAt).not.toBeNull();
    const ack = await report(1);
    expect(ack.clientAuth?.version).toBe(2);
    const text = crlText(ack.clientAuth?.crl ?? "");
    expect(text).toMatch(/X509v3 CRL Number: \n\s+2\n/);
    expect(text).toContain(`Serial Number: ${first.clientCertificate.serial.toUpperCase()}`);
    expect(text.match(/Serial Number:/g)?.length).toBe(1);
    // Revoking again changes nothing: no new CRL.
    const again = await call("POST", `/v1/client-certificates/${first.clientCertificate.id}/revoke`, {
      auth: owner,
    });
    expect(again.status).toBe(200);
    expect((await report(2)).clientAuth).toBeUndefined();
  });

  it("list every certificate of a revoked grant, and the grant takes no new ones", async () => {
    const revoked = await call("POST", `/v1/access-requests/${grantId}/revoke`, { auth: owner });
    expect(revoked.status).toBe(200);
    const ack = await report(2);
    expect(ack.clientAuth?.version).toBe(3);
    expect(crlText(ack.clientAuth?.crl ?? "").match(/Serial Number:/g)?.length).toBe(2);
    const list = await call("GET", `/v1/access-requests/${grantId}/certificates`, { auth: grantee });
    expect(
      (list.body as { clientCertificates: { state: string }[] }).clientCertificates.map((c) => c.state),
    ).toEqual(["revoked", "revoked"]);
    const refused = await call("POST", `/v1/access-requests/${grantId}/certificates`, {
      auth: grantee,
      body: { method: "certificate" },
    });
    expect(refused.status).toBe(409);
    expect(errorCode(refused)).toBe("invalid_state");
  });
});

describe("the owner role's certificates", () => {
  let ownerCertificate: Issued;

  it("are issued to the owner or an admin only, for the owner role, without an expiry of their own", async () => {
    const path = `/v1/databases/${databaseId}/certificates`;
    expect((await call("POST", path, { auth: stranger, body: { method: "certificate" } })).status).toBe(404);
    // The grantee's grant was revoked above: the database is out of sight again.
    expect((await call("POST", path, { auth: grantee, body: { method: "certificate" } })).status).toBe(404);
    const reply = await call("POST", path, { auth: owner, body: { method: "certificate", validDays: 10 } });
    expect(reply.status).toBe(201);
    ownerCertificate = reply.body as Issued;
    const cert = new X509Certificate(ownerCertificate.certificate);
    expect(cert.subject).toBe("O=pgaas\nCN=ledger");
    const days = (cert.validToDate.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(9.99);
    expect(days).toBeLessThanOrEqual(10);
    expect(ownerCertificate.psql).toBe(
      `psql 'host=127.0.0.1 port=${h.node.port} dbname=ledger user=ledger sslmode=require sslcert=client.crt sslkey=client.key'`,
    );
    expect(await groups("ledger")).toEqual(["pgaas_cert_auth"]);
  });

  it("are listed to the owner and admins, apart from the grants'", async () => {
    const path = `/v1/databases/${databaseId}/certificates`;
    const listed = await call("GET", path, { auth: owner });
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({ clientCertificates: [ownerCertificate.clientCertificate] });
    expect(ownerCertificate.clientCertificate).toMatchObject({ databaseId, accessRequestId: null });
    expect((await call("GET", path, { auth: admin })).status).toBe(200);
    expect((await call("GET", path, { auth: grantee })).status).toBe(404);
  });

  it("are revoked by the owner, by no one else, with a new CRL", async () => {
    const path = `/v1/client-certificates/${ownerCertificate.clientCertificate.id}/revoke`;
    expect((await call("POST", path, { auth: grantee })).status).toBe(404);
    expect((await call("POST", path, { auth: stranger })).status).toBe(404);
    const reply = await call("POST", path, { auth: owner });
    expect(reply.status).toBe(200);
    expect((reply.body as { clientCertificate: { state: string } }).clientCertificate.state).toBe("revoked");
    expect((await report(3)).clientAuth?.version).toBe(4);
    // Once revoked it stays out of sight of everyone else too.
    expect((await call("POST", path, { auth: stranger })).status).toBe(404);
  });
});

describe("the boundary function that sets a role's login method", () => {
  const setAuth = async (target: string, method: string) => {
    const client = new pg.Client({
      host: "127.0.0.1",
      port: h.node.port,
      user: "pgaas_admin",
      password: ADMIN_ROLE_PASSWORD,
      database: "postgres",
    });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("SELECT pgaas.set_role_auth($1, $2)", [target, method]);
      return "ran";
    } catch (error) {
      return (error as { code?: string }).code;
    } finally {
      await client.end();
    }
  };

  it("acts on tenant roles only, with a known method", async () => {
    expect(await setAuth("postgres", "certificate")).toBe("42501");
    expect(await setAuth("pgaas_admin", "certificate")).toBe("42501");
    expect(await setAuth("pgaas_cert_auth", "certificate")).toBe("42501");
    expect(await setAuth("ledger", "trust")).toBe("22023");
    expect(await setAuth("ledger", "password")).toBe("ran");
    expect(await groups("ledger")).toEqual([]);
  });
});

describe("the psql line", () => {
  it("verifies the endpoint with the pair CA when there is one and quotes what needs quoting", () => {
    const endpoint = { host: "db.example.com", port: 5432, caCertificate: "PEM" };
    expect(certificatePsqlLine(endpoint, "ledger_ro_0a1b2c", "ledger")).toBe(
      "psql 'host=db.example.com port=5432 dbname=ledger user=ledger_ro_0a1b2c sslmode=verify-full sslrootcert=ca.crt sslcert=client.crt sslkey=client.key'",
    );
    expect(certificatePsqlLine(endpoint, "r", "it's")).toBe(
      "psql 'host=db.example.com port=5432 dbname='\\''it\\'\\''s'\\'' user=r sslmode=verify-full sslrootcert=ca.crt sslcert=client.crt sslkey=client.key'",
    );
  });
});

describe("deleting the database", () => {
  it("revokes the certificates of its grants and its owner", async () => {
    const asked = await call("POST", "/v1/access-requests", {
      auth: stranger,
      body: { databaseId, level: "read_write", reason: "imports" },
    });
    expect(asked.status).toBe(201);
    const id = (asked.body as { accessRequest: { id: string } }).accessRequest.id;
    expect((await call("POST", `/v1/access-requests/${id}/approve`, { auth: owner, body: {} })).status).toBe(
      200,
    );
    const issued = await call("POST", `/v1/access-requests/${id}/certificates`, {
      auth: stranger,
      body: { method: "certificate" },
    });
    expect(issued.status).toBe(201);
    const serial = (issued.body as Issued).clientCertificate.serial;
    expect((await report(4)).clientAuth).toBeUndefined();
    const deleted = await call("DELETE", `/v1/databases/${databaseId}`, {
      auth: owner,
      body: { confirm: "ledger" },
    });
    expect(deleted.status).toBe(200);
    const ack = await report(4);
    expect(ack.clientAuth?.version).toBe(5);
    const text = crlText(ack.clientAuth?.crl ?? "");
    expect(text).toContain(`Serial Number: ${serial.toUpperCase()}`);
    // Both grant certificates of the revoked grant, the owner's, and this one.
    expect(text.match(/Serial Number:/g)?.length).toBe(4);
    const list = await call("GET", `/v1/access-requests/${id}/certificates`, { auth: stranger });
    expect(
      (list.body as { clientCertificates: { state: string }[] }).clientCertificates.map((c) => c.state),
    ).toEqual(["revoked"]);
  });
});

describe("API surface", () => {
  it("answers every call above as the served OpenAPI document says", async () => {
    const doc = (await h.call("GET", "/openapi.json")).body as Parameters<typeof checkResponses>[0];
    expect(checkResponses(doc, recorded)).toEqual([]);
  });
});
