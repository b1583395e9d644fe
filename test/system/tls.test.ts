// System test: TLS on a real pair (n1, n2, witness w on namespace hosts). Clients reach the endpoint
// (VIP) with sslmode=verify-full against the pair CA before and after a failover; a plain connection is
// rejected by pg_hba; a client trusting another CA refuses the server; replication between the nodes
// runs over TLS with verify-full; a second bootstrap changes nothing.

import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import {
  bootstrapPair,
  generatePairCa,
  generatePairSecrets,
  pairStatus,
  rejoin,
  teardownPair,
} from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import { dumpLogs, LAB_HOSTS, labPairHosts, labPairSpec, printProgress, withLab } from "@pgaas/testing";
import pg from "pg";
import { describe, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "ptl", first: "10.231.190.0/24", count: 5 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("tls");
const run = promisify(execFile);

/** psql from the test host (outside the pair) with a libpq conninfo; its stdout, or its error text. */
async function psql(conninfo: string, password: string, sql: string): Promise<string> {
  try {
    const { stdout } = await run("/usr/lib/postgresql/15/bin/psql", ["-XAtq", "-d", conninfo, "-c", sql], {
      env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: "3", PATH: process.env.PATH ?? "" },
      timeout: 10_000,
    });
    return stdout.trim();
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error).trim();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = performance.now();
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await check().catch(() => false)) return;
    if (performance.now() - started > timeoutMs) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("TLS on a pair on namespace hosts", () => {
  it("verify-full through the VIP before and after a failover; plain and wrong-CA clients refused", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `tls-${lab.prefix}`);
    const hosts = labPairHosts(lab);
    const admin = secrets.adminPassword.reveal();
    const vip = spec.endpoint.address;
    const dir = await mkdtemp(join(tmpdir(), "pgaas-tls-test-"));
    const caFile = join(dir, "ca.crt");
    const otherCaFile = join(dir, "other-ca.crt");
    await writeFile(caFile, secrets.tlsCa?.certificate ?? "");
    await writeFile(otherCaFile, generatePairCa("other").certificate);
    const verified = (host: string, database = "postgres") =>
      `host=${host} port=5432 user=pgaas_admin dbname=${database} sslmode=verify-full sslrootcert=${caFile}`;
    try {
      const first = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      expect(first.primary).toBe("n1");

      // verify-full through the VIP: TLS 1.3, on n1.
      expect(
        await psql(
          verified(vip),
          admin,
          "SELECT s.ssl, s.version, inet_server_addr() FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()",
        ),
      ).toBe(`t|TLSv1.3|${vip}`);
      // node-postgres with the CA (what the control plane and applications use).
      const client = new pg.Client({
        host: vip,
        port: 5432,
        user: "pgaas_admin",
        password: admin,
        database: "postgres",
        ssl: { ca: secrets.tlsCa?.certificate },
        connectionTimeoutMillis: 3000,
      });
      await client.connect();
      expect((await client.query("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")).rows).toEqual([
        { ssl: true },
      ]);
      await client.query("CREATE DATABASE tls_app");
      await client.end();

      // A plain connection is rejected by pg_hba, whatever the role.
      const plain = new pg.Client({
        host: vip,
        port: 5432,
        user: "pgaas_admin",
        password: admin,
        database: "postgres",
        ssl: false,
        connectionTimeoutMillis: 3000,
      });
      const refused = await plain.connect().then(
        () => "connected",
        (error: Error) => error.message,
      );
      await plain.end().catch(() => {});
      expect(refused).toMatch(
        /^pg_hba\.conf rejects connection for host "10\.231\.190\.\d+", user "pgaas_admin", database "postgres", no encryption$/,
      );
      expect(
        await psql(
          `host=${vip} port=5432 user=pgaas_admin dbname=postgres sslmode=disable`,
          admin,
          "SELECT 1",
        ),
      ).toMatch(
        /FATAL: {2}pg_hba\.conf rejects connection for host "10\.231\.190\.\d+", user "pgaas_admin", database "postgres", no encryption$/,
      );
      // A client trusting another CA refuses the server.
      expect(
        await psql(
          `host=${vip} port=5432 user=pgaas_admin dbname=postgres sslmode=verify-full sslrootcert=${otherCaFile}`,
          admin,
          "SELECT 1",
        ),
      ).toMatch(/SSL error: certificate verify failed$/);

      // Replication runs over TLS, and the standby verifies the primary (repmgr's conninfo).
      expect(
        await psql(
          verified(vip),
          admin,
          "SELECT r.application_name, s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)",
        ),
      ).toBe("n2|t");
      const walReceiver = (
        await psql(verified(lab.host("n2").address), admin, "SELECT conninfo FROM pg_stat_wal_receiver")
      ).split(" ");
      expect(walReceiver).toContain("sslmode=verify-full");
      expect(walReceiver).toContain(`sslrootcert=/etc/pgaas/${spec.name}/ca.crt`);

      const second = await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      expect(second.changedFiles).toEqual([]);
      expect(second.changed).toBe(false);

      // Failover: kill -9 of n1's postmaster; n2 takes the VIP, and the same verify-full URI works.
      const pid = (
        await hostExec(lab, "n1", ["head", "-n1", `/var/lib/pgaas/${spec.name}/n1/data/postmaster.pid`])
      ).stdout.trim();
      await hostExec(lab, "n1", ["kill", "-9", pid]);
      await until(
        "n2 promoted and holding the VIP",
        async () => {
          const status = await pairStatus(spec, hosts);
          return status.primary === "n2" && status.vipHolders.join() === "n2";
        },
        60_000,
      );
      await until(
        "verify-full through the VIP reaches n2",
        async () => (await psql(verified(vip), admin, "SELECT pg_is_in_recovery()")) === "f",
        20_000,
      );
      expect(
        await psql(
          verified(vip, "tls_app"),
          admin,
          "SELECT s.ssl, inet_server_addr() FROM pg_stat_ssl s WHERE s.pid = pg_backend_pid()",
        ),
      ).toBe(`t|${vip}`);

      // n1 rejoins (pg_rewind over verify-full) and streams from n2 over TLS.
      const rejoined = await rejoin(spec, hosts, secrets, "n1", { onProgress: printProgress });
      expect(rejoined.detail).toBe("rejoined by pg_rewind");
      await until(
        "n1 streaming over TLS",
        async () =>
          (await psql(
            verified(vip),
            admin,
            "SELECT r.application_name, s.ssl FROM pg_stat_replication r JOIN pg_stat_ssl s USING (pid)",
          )) === "n1|t",
        30_000,
      );
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    } finally {
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
      await rm(dir, { recursive: true, force: true });
    }
  }, 400_000);
});
