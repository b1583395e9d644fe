// System test: certificate authentication through access grants on a real pair (n1, n2, witness w on
// namespace hosts) whose agents report to the real control plane over HTTPS. A grant's requester gets
// a client certificate; psql with sslmode=verify-full and that certificate logs in through the VIP and
// on both nodes once the agents have the pair's client CA; the role's password alone is refused; the
// certificate does not log in as another role, nor one from another CA as this one; after "revoke" both nodes refuse it within seconds; a
// certificate of a grant expiring in ~30 s is refused after its expiry. Needs root (network namespaces).
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { generateCa, issueClientCertificate } from "@pgaas/common/x509";
import { dumpLogs, LAB_HOSTS, labPairHosts, printProgress, waitFor, withLab } from "@pgaas/testing";
import { type Api, deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const REVOKE_BOUND_MS = 10_000;
const fixture = withLab({ range: { prefix: "pcc", first: "10.231.220.0/24", count: 1 }, hosts: LAB_HOSTS });
const run = promisify(execFile);

let dir = "";

interface Issued {
  clientCertificate: { id: string; roleName: string; notAfter: string };
  certificate: string;
  privateKey: string;
  caCertificate: string | null;
  psql: string;
}

/** psql from the test host (a client network); its output, or its error text. */
async function psql(conninfo: string, password = ""): Promise<string> {
  try {
    const { stdout } = await run(
      "/usr/lib/postgresql/15/bin/psql",
      ["-XAtqw", "-d", conninfo, "-c", "SELECT current_user"],
      {
        env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: "3", PATH: process.env.PATH ?? "" },
        timeout: 10_000,
      },
    );
    return stdout.trim();
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error).trim();
  }
}

const ctx = withAgentPair(fixture, {
  name: "cc",
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 15 },
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-client-cert-system-"));
}, 120_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
}, 120_000);

describe("client certificates on a real pair", () => {
  it("logs a certificate grant in, refuses password-only and other roles, and refuses the certificate within seconds of revoke or expiry", async () => {
    const lab = fixture.lab;
    const hosts = labPairHosts(lab);
    try {
      const { pairId } = await deployAgentPair(ctx.cp, ctx.spec, hosts, ctx.secrets, printProgress);
      await waitFor(
        "a healthy pair",
        async () => ((await ctx.cp.pair(pairId)).health === "healthy" ? true : undefined),
        60_000,
      );
      const users: Record<string, Api> = {};
      for (const name of ["owner", "alice", "bob"]) {
        const email = `${name}@example.com`;
        const password = `${name}-password-1234`;
        const created = await ctx.cp.request("POST", "/v1/users", { email, password, role: "member" });
        expect(created.status).toBe(201);
        users[name] = await ctx.cp.as({ email, password });
      }
      const owner = users.owner as Api;
      const alice = users.alice as Api;
      const bob = users.bob as Api;
      const database = await owner("POST", "/v1/databases", { pairId, name: "ledger" });
      expect(database.status).toBe(201);
      const databaseId = (database.body as { database: { id: string } }).database.id;

      /** A grant approved by the owner, expiring at `expiresAt`; its id, role and password. */
      const grant = async (requester: Api, expiresAt: Date) => {
        const asked = await requester("POST", "/v1/access-requests", {
          databaseId,
          level: "read_only",
          reason: "certificate test",
        });
        expect(asked.status).toBe(201);
        const id = (asked.body as { accessRequest: { id: string } }).accessRequest.id;
        const approved = await owner("POST", `/v1/access-requests/${id}/approve`, {
          expiresAt: expiresAt.toISOString(),
        });
        expect(approved.status).toBe(200);
        const collected = await requester("POST", `/v1/access-requests/${id}/credentials`);
        expect(collected.status).toBe(200);
        const { credentials } = collected.body as { credentials: { username: string; password: string } };
        return { id, role: credentials.username, password: credentials.password };
      };
      /** The certificate's files as the psql line names them, in a directory of their own. */
      const issue = async (requester: Api, grantId: string, name: string) => {
        const reply = await requester("POST", `/v1/access-requests/${grantId}/certificates`, {
          method: "certificate",
        });
        expect(reply.status).toBe(201);
        const issued = reply.body as Issued;
        expect(issued.caCertificate).toBe(ctx.secrets.tlsCa?.certificate);
        const files = join(dir, name);
        await run("mkdir", ["-p", files]);
        await writeFile(join(files, "ca.crt"), issued.caCertificate ?? "");
        await writeFile(join(files, "client.crt"), issued.certificate);
        await writeFile(join(files, "client.key"), issued.privateKey, { mode: 0o600 });
        const withCertificate = (host: string, user = issued.clientCertificate.roleName) =>
          `host=${host} port=5432 dbname=ledger user=${user} sslmode=verify-full sslrootcert=${join(files, "ca.crt")} sslcert=${join(files, "client.crt")} sslkey=${join(files, "client.key")}`;
        return { issued, withCertificate };
      };
      const vip = ctx.spec.endpoint.address;
      const nodeAddresses = ctx.spec.nodes.map((node) => node.address);

      // alice: a certificate-only grant.
      const a = await grant(alice, new Date(Date.now() + 3_600_000));
      const aliceCert = await issue(alice, a.id, "alice");
      expect(aliceCert.issued.psql).toBe(
        `psql 'host=${vip} port=5432 dbname=ledger user=${a.role} sslmode=verify-full sslrootcert=ca.crt sslcert=client.crt sslkey=client.key'`,
      );
      const issuedAt = performance.now();
      await waitFor(
        "alice's certificate to log in on both nodes",
        async () => {
          const answers = await Promise.all(
            nodeAddresses.map((host) => psql(aliceCert.withCertificate(host))),
          );
          return answers.every((answer) => answer === a.role) ? true : undefined;
        },
        30_000,
      );
      process.stdout.write(
        `first certificate usable on both nodes ${Math.round(performance.now() - issuedAt)} ms after issue\n`,
      );
      expect(await psql(aliceCert.withCertificate(vip))).toBe(a.role);
      // Her password alone no longer logs her in.
      expect(
        await psql(
          `host=${vip} port=5432 dbname=ledger user=${a.role} sslmode=verify-full sslrootcert=${join(dir, "alice", "ca.crt")}`,
          a.password,
        ),
      ).toContain("connection requires a valid client certificate");

      // PgBouncer cannot pass a client certificate on: through the pooler a certificate role is
      // refused even with its password, while a password role (the owner) gets in.
      const pooled = await owner("PATCH", `/v1/databases/${databaseId}`, { pooling: true });
      expect(pooled.status).toBe(200);
      const ownerLogin = (database.body as { credentials: { username: string; password: string } })
        .credentials;
      const throughPooler = (user: string) =>
        `host=${vip} port=${ctx.spec.pooler.port} dbname=ledger user=${user} sslmode=verify-full sslrootcert=${join(dir, "alice", "ca.crt")}`;
      await waitFor(
        "the pooler to serve ledger",
        async () =>
          (await psql(throughPooler(ownerLogin.username), ownerLogin.password)) === ownerLogin.username
            ? true
            : undefined,
        30_000,
      );
      expect(await psql(throughPooler(a.role), a.password)).toContain(
        `pg_hba.conf rejects connection for host "[local]", user "${a.role}", database "ledger"`,
      );

      // A certificate for alice's role from a CA other than the pair's client CA is refused.
      const forged = issueClientCertificate(
        generateCa("pgaas forged client CA"),
        a.role,
        new Date(Date.now() + 3_600_000),
      );
      await writeFile(join(dir, "alice", "forged.crt"), forged.certificate);
      await writeFile(join(dir, "alice", "forged.key"), forged.privateKey.reveal(), { mode: 0o600 });
      expect(
        await psql(
          aliceCert
            .withCertificate(vip)
            .replace("client.crt", "forged.crt")
            .replace("client.key", "forged.key"),
        ),
      ).toContain("unknown ca");

      // bob: a certificate-only grant that expires in ~30 s; alice's certificate does not make her bob.
      const b = await grant(bob, new Date(Math.ceil(Date.now() / 1000) * 1000 + 30_000));
      const bobCert = await issue(bob, b.id, "bob");
      const bobExpiry = Date.parse(bobCert.issued.clientCertificate.notAfter);
      expect(await psql(bobCert.withCertificate(vip))).toBe(b.role);
      expect(await psql(aliceCert.withCertificate(vip, b.role))).toContain(
        `certificate authentication failed for user "${b.role}"`,
      );

      // Revoke alice's certificate: both nodes refuse it within seconds.
      const revokedAt = performance.now();
      const revoked = await alice(
        "POST",
        `/v1/client-certificates/${aliceCert.issued.clientCertificate.id}/revoke`,
      );
      expect(revoked.status).toBe(200);
      await waitFor(
        "both nodes to refuse alice's revoked certificate",
        async () => {
          const answers = await Promise.all(
            nodeAddresses.map((host) => psql(aliceCert.withCertificate(host))),
          );
          return answers.every((answer) => answer.includes("certificate revoked")) ? true : undefined;
        },
        30_000,
        100,
      );
      const revokeMs = Math.round(performance.now() - revokedAt);
      process.stdout.write(`revoked certificate refused on both nodes after ${revokeMs} ms\n`);
      expect(revokeMs).toBeLessThanOrEqual(REVOKE_BOUND_MS);
      expect(await psql(aliceCert.withCertificate(vip))).toContain("certificate revoked");
      expect(await psql(bobCert.withCertificate(vip))).toBe(b.role);

      // bob's grant (and so his certificate) expires: PostgreSQL refuses it by itself.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, bobExpiry - Date.now())));
      await waitFor(
        "bob's expired certificate to be refused",
        async () => {
          const answer = await psql(bobCert.withCertificate(vip));
          return answer.includes("certificate expired") ? answer : undefined;
        },
        15_000,
        200,
      );
      const expiredMs = Date.now() - bobExpiry;
      process.stdout.write(`expired certificate refused ${expiredMs} ms after its notAfter\n`);
      expect(expiredMs).toBeLessThanOrEqual(REVOKE_BOUND_MS);
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 600_000);
});
