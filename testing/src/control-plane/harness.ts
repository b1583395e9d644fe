// Test harness: a real store (throwaway PostgreSQL), a real managed node (a second throwaway
// PostgreSQL with a pgaas_admin role made like the engine makes it), the control plane listening on
// a free port, and small HTTP helpers.
import { randomBytes, randomUUID } from "node:crypto";
import { ADMIN_SESSION_OPTIONS, memoryLogger, secret } from "@pgaas/common";
import type { StateSample } from "@pgaas/common/wire";
import { adminRoleSql, ensureTenantBoundary, psqlScript, type SuperuserSql } from "@pgaas/engine";
import { loadConfig, type RunningServer, startServer } from "@pgaas/portal";
import pg from "pg";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../throwaway-postgres.js";

export const ADMIN = { email: "admin@example.com", password: "admin-password-123" };
export const ADMIN_ROLE_PASSWORD = "pgaas-admin-secret";

export interface Harness {
  readonly store: ThrowawayPostgres;
  readonly node: ThrowawayPostgres;
  readonly server: RunningServer;
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

export async function startHarness(
  options: { webDir?: string; env?: Record<string, string> } = {},
): Promise<Harness> {
  const store = await startThrowawayPostgres("pgs-store");
  const node = await startThrowawayPostgres("pgs-node").catch(async (error) => {
    await store.stop();
    throw error;
  });
  try {
    await createAdminRole(node);
    const logger = memoryLogger("control-plane");
    const server = await startServer(
      loadConfig({
        DATABASE_URL: store.url,
        PGAAS_PORT: "0",
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_ADMIN_EMAIL: ADMIN.email,
        PGAAS_ADMIN_PASSWORD: ADMIN.password,
        ...(options.webDir === undefined ? {} : { PGAAS_WEB_DIR: options.webDir }),
        ...options.env,
      }),
      logger,
    );
    return {
      store,
      node,
      server,
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
