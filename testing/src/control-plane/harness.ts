// Test harness: a real store (throwaway PostgreSQL), a real managed node (a second throwaway
// PostgreSQL with a pgaas_admin role made like the engine makes it), the control plane listening on
// a free port (plain HTTP on loopback, or HTTPS with a throwaway CA), and small HTTP helpers.
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_SESSION_OPTIONS, memoryLogger, secret } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import type { StateSample } from "@pgaas/common/wire";
import {
  adminRoleSql,
  ensureControlPlaneTls,
  ensureTenantBoundary,
  psqlScript,
  type SuperuserSql,
} from "@pgaas/engine";
import { loadConfig, type RunningServer, startServer } from "@pgaas/portal";
import pg from "pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../throwaway-postgres.js";

export const ADMIN = { email: "admin@example.com", password: "admin-password-123" };
export const ADMIN_ROLE_PASSWORD = "pgaas-admin-secret";

export interface Harness {
  readonly store: ThrowawayPostgres;
  readonly node: ThrowawayPostgres;
  readonly server: RunningServer;
  /** The throwaway CA's PEM when the harness serves HTTPS. */
  readonly caCertificate: string | undefined;
  readonly logLines: string[];
  call(
    method: string,
    path: string,
    options?: { body?: unknown; auth?: Auth; raw?: string; headers?: Record<string, string> },
  ): Promise<Reply>;
  stop(): Promise<void>;
}

export type Auth = { cookie: string } | { bearer: string } | undefined;
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
  readonly headers: Headers;
}

/** Makes the admin role and the tenant boundary on a throwaway server with the pair engine's own SQL. */
export async function createAdminRole(server: ThrowawayPostgres): Promise<void> {
  const run: SuperuserSql = async (sql, database) => {
    const client = new pg.Client({
      connectionString: server.urlFor(database),
      options: ADMIN_SESSION_OPTIONS,
    });
    await client.connect();
    try {
      const results = await client.query(sql);
      const last = Array.isArray(results) ? results.at(-1) : results;
      return (last?.rows ?? [])
        .map((row: Record<string, unknown>) => String(Object.values(row)[0]))
        .join("\n");
    } finally {
      await client.end();
    }
  };
  await run(psqlScript(adminRoleSql(secret(ADMIN_ROLE_PASSWORD))), "postgres");
  await ensureTenantBoundary(run);
}

/** The server's env for HTTPS with a fresh throwaway CA; the files go once the config is loaded. */
async function throwawayTls<T>(
  load: (env: Record<string, string>) => T,
): Promise<{ loaded: T; caCertificate: string }> {
  const dir = await mkdtemp(join(tmpdir(), "pgaas-harness-tls-"));
  try {
    const tls = ensureControlPlaneTls(dir, ["127.0.0.1"]);
    return {
      loaded: load({ PGAAS_TLS_CERT_FILE: tls.certFile, PGAAS_TLS_KEY_FILE: tls.keyFile }),
      caCertificate: tls.caCertificate,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startHarness(
  options: { webDir?: string; env?: Record<string, string>; tls?: boolean } = {},
): Promise<Harness> {
  const store = await startThrowawayPostgres("pgs-store");
  const node = await startThrowawayPostgres("pgs-node").catch(async (error) => {
    await store.stop();
    throw error;
  });
  try {
    await createAdminRole(node);
    const logger = memoryLogger("control-plane");
    const configWith = (tlsEnv: Record<string, string>) =>
      loadConfig({
        DATABASE_URL: store.url,
        PGAAS_PORT: "0",
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_ADMIN_EMAIL: ADMIN.email,
        PGAAS_ADMIN_PASSWORD: ADMIN.password,
        ...(options.webDir === undefined ? {} : { PGAAS_WEB_DIR: options.webDir }),
        ...tlsEnv,
        ...options.env,
      });
    const { loaded: config, caCertificate } = options.tls
      ? await throwawayTls(configWith)
      : { loaded: configWith({}), caCertificate: undefined };
    const fetch = caCertificate === undefined ? globalThis.fetch : pinnedFetch(caCertificate);
    const server = await startServer(config, logger);
    return {
      store,
      node,
      server,
      caCertificate,
      logLines: logger.lines,
      async call(method, path, options = {}) {
        const headers: Record<string, string> = { ...options.headers };
        if (options.body !== undefined || options.raw !== undefined)
          headers["content-type"] ??= "application/json";
        if (options.auth !== undefined && "cookie" in options.auth) {
          headers.cookie = options.auth.cookie;
          // What the portal's own pages send: the server refuses cookie writes from other origins.
          if (method !== "GET") {
            headers.origin ??= server.url;
            headers["content-type"] ??= "application/json";
          }
        }
        if (options.auth !== undefined && "bearer" in options.auth)
          headers.authorization = `Bearer ${options.auth.bearer}`;
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers,
          ...(options.raw !== undefined
            ? { body: options.raw }
            : options.body !== undefined
              ? { body: JSON.stringify(options.body) }
              : {}),
        });
        const text = await response.text();
        const json = (response.headers.get("content-type") ?? "").includes("application/json")
          ? JSON.parse(text)
          : undefined;
        return { status: response.status, body: json, text, headers: response.headers };
      },
      async stop() {
        await server.stop();
        await node.stop();
        await store.stop();
      },
    };
  } catch (error) {
    await node.stop();
    await store.stop();
    throw error;
  }
}

/** A registration for a pair whose two nodes are the harness's managed server. */
export function pairRegistration(harness: Harness, name = "orders") {
  return {
    name,
    endpoint: { host: "127.0.0.1", port: harness.node.port },
    nodes: [
      { name: "n1", address: "127.0.0.1", port: harness.node.port, agentPort: 9187 },
      { name: "n2", address: "127.0.0.1", port: harness.node.port, agentPort: 9188 },
    ],
    admin: { username: "pgaas_admin", password: ADMIN_ROLE_PASSWORD },
  };
}

export async function loginCookie(harness: Harness, email: string, password: string): Promise<string> {
  const reply = await harness.call("POST", "/v1/auth/login", { body: { email, password } });
  if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
  const cookie = reply.headers.get("set-cookie") ?? "";
  return cookie.split(";")[0] as string;
}

export function stateSample(overrides: Partial<StateSample> = {}): StateSample {
  return {
    role: "primary",
    fenced: false,
    writable: true,
    timeline: 1,
    lsn: "0/3000148",
    receiveLsn: null,
    lagBytes: null,
    lagSeconds: null,
    syncState: "sync",
    synchronousStandbyNames: "ANY 1 (n1, n2)",
    streamingStandbys: [],
    postmasterStartedAt: "2026-11-29T20:00:00.000Z",
    repmgr: { nodeId: 1, status: "running", upstreamNode: null },
    pendingRestart: false,
    error: null,
    ...overrides,
  };
}

export function stateReport(sampledAt: Date, state: StateSample, sequence = 1) {
  return {
    reportId: randomUUID(),
    sampledAt: sampledAt.toISOString(),
    sequence,
    agentStartedAt: "2026-11-29T20:00:00.000Z",
    kind: "state" as const,
    state,
  };
}

/** A metrics report with no databases and a small host; `extra` adds fields (backups, slowQueries). */
export function metricsReport(sampledAt: Date, extra: Record<string, unknown> = {}, sequence = 2) {
  return {
    reportId: randomUUID(),
    sampledAt: sampledAt.toISOString(),
    sequence,
    agentStartedAt: "2026-11-29T20:00:00.000Z",
    kind: "metrics" as const,
    databases: [],
    host: { dataDiskUsedBytes: 1, dataDiskTotalBytes: 2, load1: 0, memoryUsedBytes: 1, memoryTotalBytes: 2 },
    ...extra,
  };
}
