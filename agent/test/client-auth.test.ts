// The node's side of certificate authentication against a real PostgreSQL 15 with the pair's pg_hba
// lines: before a bundle a certificate login is refused and the server runs; after it a certificate
// for the role logs in; after a CRL revoking it the same certificate is refused, with no restart.
import { execFile } from "node:child_process";
import { appendFile, chmod, chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CERT_AUTH_ROLE, CERT_PASSWORD_ROLE, CLIENT_AUTH_CONF } from "@pgaas/common/wire";
import { generateCa, issueClientCertificate, signCrl } from "@pgaas/common/x509";
import { generatePairCa, issueServerCertificate } from "@pgaas/engine";
import { type LocalPostgres, startLocalPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ClientAuth, openClientAuth } from "../src/postgres/client-auth.js";
import { PgConnection } from "../src/postgres/pg-connection.js";

const run = promisify(execFile);
let pg: LocalPostgres;
let dir: string;
let clientDir: string;
let connection: PgConnection;
let clientAuth: ClientAuth;

const ca = generateCa("pgaas t client CA");
const alice = issueClientCertificate(ca, "alice", new Date(Date.now() + 3_600_000));
const bob = issueClientCertificate(ca, "bob", new Date(Date.now() + 3_600_000));
const bundle = (version: number, revoked: string[] = []) => ({
  version,
  caCertificate: ca.certificate,
  crl: signCrl(
    ca,
    version,
    revoked.map((serial) => ({ serial, revokedAt: new Date() })),
  ),
});

/** psql over TLS from this host as `user` with `holder`'s certificate; its output or its error. */
async function certificateLogin(user: string, holder = "alice", password = ""): Promise<string> {
  const conninfo = `host=127.0.0.1 port=${pg.port} dbname=postgres user=${user} sslmode=require sslcert=${join(clientDir, `${holder}.crt`)} sslkey=${join(clientDir, `${holder}.key`)}`;
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

beforeAll(async () => {
  pg = await startLocalPostgres("pgaas-client-auth");
  dir = await mkdtemp(join(tmpdir(), "pgaas-client-auth-"));
  clientDir = await mkdtemp(join(tmpdir(), "pgaas-client-cert-"));
  const [uid, gid] = await Promise.all(
    ["-u", "-g"].map(async (flag) => Number((await run("id", [flag, "postgres"])).stdout.trim())),
  );
  await chmod(dir, 0o755);
  const server = issueServerCertificate(generatePairCa("t"), "t-n1", ["127.0.0.1"]);
  await writeFile(join(dir, "server.crt"), server.certificate);
  await writeFile(join(dir, "server.key"), server.privateKey.reveal(), { mode: 0o600 });
  await chown(join(dir, "server.key"), uid ?? 0, gid ?? 0);
  for (const [name, issued] of [
    ["alice", alice],
    ["bob", bob],
  ] as const) {
    await writeFile(join(clientDir, `${name}.crt`), issued.certificate);
    await writeFile(join(clientDir, `${name}.key`), issued.privateKey.reveal(), { mode: 0o600 });
  }
  // The pair's client lines (engine/src/render/pg-hba.ts) ahead of the throwaway server's own.
  const hba = join(pg.dataDir, "pg_hba.conf");
  const own = await readFile(hba, "utf8");
  await writeFile(
    hba,
    `local all all trust\nhostssl all +${CERT_AUTH_ROLE} 127.0.0.1/32 cert\nhostssl all +${CERT_PASSWORD_ROLE} 127.0.0.1/32 scram-sha-256 clientcert=verify-full\n${own}`,
  );
  await appendFile(
    join(pg.dataDir, "postgresql.conf"),
    `\nssl = on\nssl_cert_file = '${join(dir, "server.crt")}'\nssl_key_file = '${join(dir, "server.key")}'\ninclude_if_exists = '${join(dir, CLIENT_AUTH_CONF)}'\n`,
  );
  await pg.sql(`CREATE ROLE ${CERT_AUTH_ROLE} NOLOGIN`);
  await pg.sql(`CREATE ROLE ${CERT_PASSWORD_ROLE} NOLOGIN`);
  await pg.sql(`CREATE ROLE alice LOGIN PASSWORD 'alice-password' IN ROLE ${CERT_AUTH_ROLE}`);
  await pg.sql(`CREATE ROLE bob LOGIN PASSWORD 'bob-password' IN ROLE ${CERT_PASSWORD_ROLE}`);
  await pg.sql("SELECT pg_reload_conf()");
  connection = new PgConnection({
    socketDir: pg.socketDir,
    port: pg.port,
    user: pg.user,
    database: "postgres",
    timeoutMs: 3000,
  });
  clientAuth = await openClientAuth(dir, connection);
}, 60_000);

afterAll(async () => {
  await connection?.close();
  await pg?.stop();
  for (const path of [dir, clientDir]) if (path) await rm(path, { recursive: true, force: true });
});

describe("client CA and CRL on a real PostgreSQL 15", () => {
  it("refuses certificate logins before the first bundle, and the server keeps running", async () => {
    expect(clientAuth.version()).toBeNull();
    expect(await certificateLogin("alice")).toContain(
      "client certificates can only be checked if a root certificate store is available",
    );
    expect((await pg.sql("SELECT 1 AS up"))[0]?.up).toBe(1);
  });

  it("lets the role named in the certificate log in once the bundle is applied, and only that role", async () => {
    await clientAuth.apply(bundle(1));
    expect(clientAuth.version()).toBe(1);
    expect(await readFile(join(dir, "version"), "utf8")).toBe("1\n");
    expect(await certificateLogin("alice")).toBe("alice");
    // bob needs his certificate and his password; alice's certificate does not make her bob.
    expect(await certificateLogin("bob", "bob", "bob-password")).toBe("bob");
    expect(await certificateLogin("bob", "bob", "wrong")).toContain(
      'password authentication failed for user "bob"',
    );
    expect(await certificateLogin("bob", "alice", "bob-password")).toContain(
      'password authentication failed for user "bob"',
    );
    expect(await certificateLogin("alice", "bob", "alice-password")).toContain(
      'certificate authentication failed for user "alice"',
    );
  });

  it("refuses the certificate once a CRL listing it is applied, without a restart", async () => {
    const [before] = await pg.sql("SELECT pg_postmaster_start_time()::text AS started");
    const started = performance.now();
    await clientAuth.apply(bundle(2, [alice.serial]));
    const refused = await certificateLogin("alice");
    const elapsedMs = Math.round(performance.now() - started);
    console.log(`revocation in force after ${elapsedMs} ms`);
    expect(refused).toContain("certificate revoked");
    expect(elapsedMs).toBeLessThan(10_000);
    expect(clientAuth.version()).toBe(2);
    const [after] = await pg.sql("SELECT pg_postmaster_start_time()::text AS started");
    expect(after?.started).toBe(before?.started);
  });

  it("reads the version in force back when the agent starts again, and skips a bundle it has", async () => {
    const reopened = await openClientAuth(dir, connection);
    expect(reopened.version()).toBe(2);
    const [loaded] = await pg.sql("SELECT pg_conf_load_time()::text AS at");
    await reopened.apply(bundle(2, [alice.serial]));
    const [again] = await pg.sql("SELECT pg_conf_load_time()::text AS at");
    expect(again?.at).toBe(loaded?.at);
  });
});
