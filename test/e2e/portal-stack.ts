// The stack the end-to-end test drives: a control plane serving the freshly built portal, a store,
// a managed PostgreSQL registered as a pair, and agents reporting its state and metrics.
//
// STAND-IN until scripts/stack.ts (the real local stack: namespaces, repmgr pair, real agents)
// lands: one throwaway PostgreSQL plays both nodes of the pair and a small reporter posts agent
// reports over HTTP, with metrics read from that server's pg_stat_database.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger, Secret } from "@pgaas/common";
import type { AgentReport, AgentReportBatch, DatabaseMetrics } from "@pgaas/common/wire";
import pg from "pg";
import { startServer } from "../../portal/server/src/index.js";
import { startThrowawayPostgres } from "../support/throwaway-postgres.js";
import { buildPortalWeb } from "./build-web.js";

export interface PortalStack {
  readonly portalUrl: string;
  readonly admin: { readonly email: string; readonly password: string };
  stop(): Promise<void>;
}

const REPORT_EVERY_MS = 2000;

const METRICS_SQL = `
  SELECT d.datname AS name, pg_database_size(d.datname) AS size_bytes,
         s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit, s.deadlocks, s.temp_bytes, s.stats_reset,
         count(a.pid) FILTER (WHERE a.state = 'active') AS active,
         count(a.pid) FILTER (WHERE a.state = 'idle') AS idle,
         count(a.pid) FILTER (WHERE a.state LIKE 'idle in transaction%') AS idle_in_transaction,
         count(a.pid) FILTER (WHERE a.state IS NOT NULL AND a.state NOT LIKE 'idle%' AND a.state <> 'active') AS other
    FROM pg_database d JOIN pg_stat_database s ON s.datid = d.oid
    LEFT JOIN pg_stat_activity a ON a.datid = d.oid AND a.backend_type = 'client backend'
   WHERE NOT d.datistemplate
   GROUP BY d.datname, s.xact_commit, s.xact_rollback, s.blks_read, s.blks_hit, s.deadlocks, s.temp_bytes, s.stats_reset`;

async function readMetrics(client: pg.Client): Promise<DatabaseMetrics[]> {
  const { rows } = await client.query(METRICS_SQL);
  return rows.map((row) => ({
    name: row.name,
    sizeBytes: Number(row.size_bytes),
    connections: {
      active: Number(row.active),
      idle: Number(row.idle),
      idleInTransaction: Number(row.idle_in_transaction),
      other: Number(row.other),
    },
    xactCommit: Number(row.xact_commit),
    xactRollback: Number(row.xact_rollback),
    blksRead: Number(row.blks_read),
    blksHit: Number(row.blks_hit),
    deadlocks: Number(row.deadlocks),
    tempBytes: Number(row.temp_bytes),
    statsResetAt: row.stats_reset ? new Date(row.stats_reset).toISOString() : null,
  }));
}

function stateReport(
  role: "primary" | "standby",
  sequence: number,
  startedAt: string,
  lsn: string,
): AgentReport {
  const now = new Date().toISOString();
  return {
    reportId: randomUUID(),
    sampledAt: now,
    sequence,
    agentStartedAt: startedAt,
    kind: "state",
    state: {
      role,
      fenced: false,
      writable: role === "primary",
      timeline: 1,
      lsn,
      receiveLsn: role === "standby" ? lsn : null,
      lagBytes: role === "standby" ? 0 : null,
      lagSeconds: role === "standby" ? 0 : null,
      syncState: role === "primary" ? "sync" : "none",
      synchronousStandbyNames: role === "primary" ? "ANY 1 (n1, n2)" : "",
      streamingStandbys: role === "primary" ? [{ name: "n2", state: "streaming", syncState: "quorum" }] : [],
      postmasterStartedAt: startedAt,
      repmgr: {
        nodeId: role === "primary" ? 1 : 2,
        status: "running",
        upstreamNode: role === "primary" ? null : "n1",
      },
      pendingRestart: false,
      error: null,
    },
  };
}

async function postReports(portalUrl: string, token: string, batch: AgentReportBatch): Promise<void> {
  const response = await fetch(`${portalUrl}/v1/agent/report`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(batch),
  });
  if (!response.ok) throw new Error(`agent report refused: ${response.status} ${await response.text()}`);
}

async function adminCookie(portalUrl: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${portalUrl}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const cookie = response.headers.get("set-cookie");
  if (!response.ok || !cookie) throw new Error(`admin login failed: ${response.status}`);
  return cookie.split(";")[0] ?? "";
}

export async function startPortalStack(onProgress: (line: string) => void): Promise<PortalStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const webDir = await mkdtemp(join(tmpdir(), "pgaas-e2e-web-"));
    cleanups.push(() => rm(webDir, { recursive: true, force: true }));
    onProgress("building the portal UI");
    await buildPortalWeb(webDir);

    onProgress("starting the store and the managed PostgreSQL");
    const [store, node] = await Promise.all([
      startThrowawayPostgres("pgaas-e2e-store"),
      startThrowawayPostgres("pgaas-e2e-node"),
    ]);
    cleanups.push(store.stop, node.stop);
    const adminRolePassword = randomBytes(18).toString("base64url");
    const superuser = new pg.Client({ connectionString: node.url });
    await superuser.connect();
    cleanups.push(() => superuser.end());
    await superuser.query(
      `CREATE ROLE pgaas_admin LOGIN CREATEDB CREATEROLE PASSWORD '${adminRolePassword}'; GRANT pg_monitor, pg_signal_backend TO pgaas_admin`,
    );

    onProgress("starting the control plane");
    const admin = { email: "admin@example.com", password: randomBytes(12).toString("base64url") };
    const server = await startServer(
      {
        databaseUrl: new Secret(store.url),
        listenHost: "127.0.0.1",
        port: 0,
        secretKey: randomBytes(32),
        initialAdmin: { email: admin.email, password: new Secret(admin.password) },
        webDir,
        secureCookies: false,
      },
      memoryLogger("e2e-control-plane"),
    );
    cleanups.push(server.stop);

    onProgress("registering the pair");
    const cookie = await adminCookie(server.url, admin.email, admin.password);
    const registered = await fetch(`${server.url}/v1/pairs`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json" },
      body: JSON.stringify({
        name: "demo",
        endpoint: { host: "127.0.0.1", port: node.port },
        nodes: [
          { name: "n1", address: "127.0.0.1", port: node.port, agentPort: 9101 },
          { name: "n2", address: "127.0.0.1", port: node.port, agentPort: 9102 },
        ],
        admin: { username: "pgaas_admin", password: adminRolePassword },
      }),
    });
    if (registered.status !== 201) throw new Error(`pair registration failed: ${await registered.text()}`);
    const { agentTokens } = (await registered.json()) as { agentTokens: Record<string, string> };
    const tokens = { n1: agentTokens.n1 ?? "", n2: agentTokens.n2 ?? "" };

    onProgress("starting the stand-in agents");
    const startedAt = new Date().toISOString();
    let sequence = 0;
    const report = async () => {
      sequence += 1;
      const { rows } = await superuser.query("SELECT pg_current_wal_lsn()::text AS lsn");
      const lsn = String(rows[0]?.lsn ?? "0/0");
      const metrics: AgentReport = {
        reportId: randomUUID(),
        sampledAt: new Date().toISOString(),
        sequence,
        agentStartedAt: startedAt,
        kind: "metrics",
        databases: await readMetrics(superuser),
        host: {
          dataDiskUsedBytes: 1,
          dataDiskTotalBytes: 2,
          load1: 0,
          memoryUsedBytes: 1,
          memoryTotalBytes: 2,
        },
      };
      await postReports(server.url, tokens.n1, {
        reports: [stateReport("primary", sequence, startedAt, lsn), metrics],
      });
      await postReports(server.url, tokens.n2, {
        reports: [stateReport("standby", sequence, startedAt, lsn)],
      });
    };
    await report();
    let failures = 0;
    let reporting = true;
    const timer = setInterval(() => {
      report().catch((error: unknown) => {
        failures += 1;
        if (reporting && failures <= 3) onProgress(`stand-in agent report failed: ${String(error)}`);
      });
    }, REPORT_EVERY_MS);
    cleanups.push(async () => {
      reporting = false;
      clearInterval(timer);
    });
    onProgress(`portal at ${server.url}`);
    return { portalUrl: server.url, admin, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
