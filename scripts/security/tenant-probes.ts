// A tenant's own credentials against everything that is not its database: the maintenance and
// template databases, repmgr's, another tenant's; then what it may try inside its own database.
// Connections verify the pair with its CA (verify-full); one probe tries without TLS, and an accepted
// plaintext connection is counted as plaintext.
import { pairSsl } from "@pgaas/testing";
import pg from "pg";
import { clean, escalation, failure, type Probe, type Verdict } from "./probe.js";
import type { Target, Tenant } from "./target.js";

const CONNECT_TIMEOUT_MS = 5000;

async function connect(tenant: Tenant, database: string, tls = true): Promise<pg.Client> {
  const client = new pg.Client({
    host: tenant.host,
    port: tenant.port,
    user: tenant.username,
    password: tenant.password,
    database,
    ssl: tls ? pairSsl(tenant.caCertificate) : false,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: 10_000,
  });
  client.on("error", () => {});
  await client.connect();
  return client;
}

/** Refused at connect: clean; connected: escalation (the tenant reached a database not its own). */
function mustNotConnect(tenant: Tenant, database: string): () => Promise<Verdict> {
  return async () => {
    let client: pg.Client;
    try {
      client = await connect(tenant, database);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 42501 insufficient_privilege (no CONNECT), 28000 invalid_authorization (pg_hba): refused.
      return code === "42501" || code === "28000" || code === "3D000"
        ? clean()
        : failure(`connect failed in an unexpected way: ${code ?? ""} ${(error as Error).message}`);
    }
    try {
      const temp = await client
        .query("CREATE TEMP TABLE pgaas_probe (x int)")
        .then(() => " and created a TEMP table")
        .catch(() => "");
      return escalation(`${tenant.username} connected to ${database}${temp}`);
    } finally {
      await client.end().catch(() => {});
    }
  };
}

/** Runs `sql` as the tenant in its own database: an error is clean, success is an escalation. */
function mustFail(tenant: Tenant, sql: string): () => Promise<Verdict> {
  return async () => {
    const client = await connect(tenant, tenant.name);
    try {
      await client.query(sql);
      return escalation(`${tenant.username} ran: ${sql}`);
    } catch {
      return clean();
    } finally {
      await client.end().catch(() => {});
    }
  };
}

export function tenantProbes(t: Target): Probe[] {
  const [a, b] = t.tenants;
  const group = "tenant connections";
  const inside = "tenant privileges";
  return [
    {
      group: "plaintext",
      name: `${a.username} to its own database with sslmode=disable`,
      run: async () => {
        const refusal = await connect(a, a.name, false).then(
          async (client) => {
            await client.end().catch(() => {});
            return undefined;
          },
          (error: { code?: string }) => error.code,
        );
        // 28000: pg_hba's hostnossl reject line.
        if (refusal === undefined) return clean(true);
        return refusal === "28000" ? clean() : failure(`refused in an unexpected way: ${refusal}`);
      },
    },
    { group, name: `${a.username} → postgres`, run: mustNotConnect(a, "postgres") },
    { group, name: `${a.username} → template1`, run: mustNotConnect(a, "template1") },
    { group, name: `${a.username} → repmgr`, run: mustNotConnect(a, "repmgr") },
    { group, name: `${a.username} → ${b.name} (another tenant)`, run: mustNotConnect(a, b.name) },
    { group, name: `${b.username} → ${a.name} (another tenant)`, run: mustNotConnect(b, a.name) },
    { group: inside, name: "create a role", run: mustFail(a, "CREATE ROLE pgaas_probe_role") },
    { group: inside, name: "become pgaas_admin", run: mustFail(a, "SET ROLE pgaas_admin") },
    { group: inside, name: "read pg_authid", run: mustFail(a, "SELECT rolpassword FROM pg_authid") },
    { group: inside, name: "run a shell through COPY", run: mustFail(a, "COPY (SELECT 1) TO PROGRAM 'id'") },
    { group: inside, name: "read a server file", run: mustFail(a, "SELECT pg_read_file('/etc/passwd')") },
    {
      group: inside,
      name: "change a server setting",
      run: mustFail(a, "ALTER SYSTEM SET log_statement = 'all'"),
    },
    {
      group: inside,
      name: "read another tenant's tables through dblink-like access",
      run: mustFail(a, `SELECT * FROM ${b.name}.public.anything`),
    },
  ];
}
