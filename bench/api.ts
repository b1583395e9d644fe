// Control-plane API benchmark: agent report ingestion from 1,000 simulated agents (each reporting
// every 5 s for 60 s), GET /v1/pairs with 500 registered pairs, and database create against a real
// PostgreSQL node. Prints a table and a machine-readable RESULT line.
// Run: npm run bench:api   (BENCH_SECONDS=… shortens the ingestion phase)

import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { ADMIN_ROLE } from "@pgaas/common/wire";
import { freePort, startThrowawayPostgres } from "@pgaas/testing";
import {
  ADMIN,
  ADMIN_ROLE_PASSWORD,
  createAdminRole,
  stateReport,
  stateSample,
} from "@pgaas/testing/control-plane";

const AGENTS = 1000;
const INTERVAL_MS = 5000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PAIRS_GETS = 200;
const DB_CREATES = 20;

interface Stats {
  readonly count: number;
  readonly errors: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly perSecond: number;
}

function stats(samples: readonly number[], errors: number, wallMs: number): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    count: sorted.length,
    errors,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
    perSecond: (sorted.length / wallMs) * 1000,
  };
}

async function timed(work: () => Promise<boolean>): Promise<{ ms: number; ok: boolean }> {
  const started = performance.now();
  const ok = await work().catch(() => false);
  return { ms: performance.now() - started, ok };
}

/** /proc/<pid>/stat fields after the command name: [1] is the parent, [11]/[12] user/system ticks (100 Hz). */
function procStat(pid: number | string): string[] {
  return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
}

function cpuMs(pid: number | string | undefined): number {
  const fields = procStat(pid ?? "self");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** CPU of a PostgreSQL server: its postmaster (found by its -c port=…) and all live children. */
function postgresCpuMs(port: number): number {
  const pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  const cmdline = (pid: string) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8");
    } catch {
      return "";
    }
  };
  const postmaster = pids.find(
    (pid) => cmdline(pid).includes(`port=${port}\u0000`) || cmdline(pid).endsWith(`port=${port}`),
  );
  if (postmaster === undefined) return Number.NaN;
  let total = 0;
  for (const pid of pids) {
    try {
      if (pid === postmaster || procStat(pid)[1] === postmaster) total += cpuMs(pid);
    } catch {
      // the process ended while we looked
    }
  }
  return total;
}

interface Client {
  readonly url: string;
  call(
    method: string,
    path: string,
    options: { body?: unknown; cookie?: string; bearer?: string },
  ): Promise<{ status: number; body: unknown; cookie: string | null }>;
}

function client(url: string): Client {
  return {
    url,
    async call(method, path, options) {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (options.cookie !== undefined) {
        headers.cookie = options.cookie;
        // A signed-in write must name the server's own origin, as the portal's pages do.
        headers.origin = url;
      }
      if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
      const reply = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      });
      const text = await reply.text();
      return {
        status: reply.status,
        body: text === "" ? undefined : JSON.parse(text),
        cookie: reply.headers.get("set-cookie"),
      };
    },
  };
}

/** The control plane in its own process (as in production), so client load does not share its event loop. */
async function startControlPlane(databaseUrl: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "--conditions=pgaas-source", "portal/server/src/main.ts"],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        PGAAS_PORT: String(port),
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_ADMIN_EMAIL: ADMIN.email,
        PGAAS_ADMIN_PASSWORD: ADMIN.password,
        PGAAS_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const up = await fetch(`${url}/healthz`).then(
      (reply) => reply.ok,
      () => false,
    );
    if (up) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGTERM");
  throw new Error("the control plane did not start within 20 s");
}

async function registerPairs(h: Client, cookie: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const reply = await h.call("POST", "/v1/pairs", {
      cookie,
      body: {
        name: `bench-${i}`,
        endpoint: { host: "127.0.0.1", port: 1 },
        nodes: [
          { name: "n1", address: "127.0.0.1", port: 1, agentPort: 9187 },
          { name: "n2", address: "127.0.0.1", port: 1, agentPort: 9187 },
        ],
        admin: { username: ADMIN_ROLE, password: "unused" },
      },
    });
    const body = reply.body as { agentTokens: Record<string, string> };
    tokens.push(body.agentTokens.n1 as string, body.agentTokens.n2 as string);
  }
  return tokens;
}

async function ingest(h: Client, tokens: readonly string[]): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const sequence = new Map<string, number>();
  const windows: { at: number; ms: number }[] = [];
  const agent = async (token: string, index: number) => {
    // Spread the agents over the interval like a real fleet.
    await new Promise((resolve) => setTimeout(resolve, (index / tokens.length) * INTERVAL_MS));
    while (performance.now() < deadline) {
      const next = (sequence.get(token) ?? 0) + 1;
      sequence.set(token, next);
      const primary = index % 2 === 0;
      const state = primary
        ? stateSample()
        : stateSample({ role: "standby", writable: false, syncState: "none", lagBytes: 0, lagSeconds: 0 });
      const result = await timed(async () => {
        const reply = await fetch(`${h.url}/v1/agent/report`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ reports: [stateReport(new Date(), state, next)] }),
        });
        await reply.arrayBuffer();
        return reply.status === 200;
      });
      latencies.push(result.ms);
      windows.push({ at: performance.now() - started, ms: result.ms });
      if (!result.ok) errors += 1;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, INTERVAL_MS - result.ms)));
    }
  };
  await Promise.all(tokens.map((token, index) => agent(token, index)));
  // p99 per 10-s window: tells a cold start or a noisy neighbour from a steady-state problem.
  const perWindow = Array.from({ length: Math.ceil(SECONDS / 10) + 1 }, (_, window) =>
    stats(
      windows.filter((sample) => Math.floor(sample.at / 10_000) === window).map((sample) => sample.ms),
      0,
      10_000,
    ).p99.toFixed(0),
  );
  console.log(`ingest p99 per 10 s window (ms): ${perWindow.join(" ")}`);
  return stats(latencies, errors, performance.now() - started);
}

async function sequential(count: number, work: (i: number) => Promise<boolean>): Promise<Stats> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  for (let i = 0; i < count; i += 1) {
    const result = await timed(() => work(i));
    latencies.push(result.ms);
    if (!result.ok) errors += 1;
  }
  return stats(latencies, errors, performance.now() - started);
}

const store = await startThrowawayPostgres("pgs-bench-store");
const node = await startThrowawayPostgres("pgs-bench-node");
let child: ChildProcess | undefined;
try {
  await createAdminRole(node);
  const controlPlane = await startControlPlane(store.url);
  child = controlPlane.child;
  const h = client(controlPlane.url);
  const login = await h.call("POST", "/v1/auth/login", {
    body: { email: ADMIN.email, password: ADMIN.password },
  });
  const cookie = (login.cookie ?? "").split(";")[0] as string;
  const tokens = await registerPairs(h, cookie, AGENTS / 2);
  const cpuBefore = { server: cpuMs(child.pid), store: postgresCpuMs(store.port) };
  const ingestStats = await ingest(h, tokens);
  const cpuPerReport = {
    server: (cpuMs(child.pid) - cpuBefore.server) / ingestStats.count,
    store: (postgresCpuMs(store.port) - cpuBefore.store) / ingestStats.count,
  };
  const pairsStats = await sequential(PAIRS_GETS, async () => {
    const reply = await h.call("GET", "/v1/pairs", { cookie });
    return reply.status === 200 && (reply.body as { pairs: unknown[] }).pairs.length === AGENTS / 2;
  });
  const real = await h.call("POST", "/v1/pairs", {
    cookie,
    body: {
      name: "bench-real",
      endpoint: { host: "127.0.0.1", port: node.port },
      nodes: [
        { name: "n1", address: "127.0.0.1", port: node.port, agentPort: 9187 },
        { name: "n2", address: "127.0.0.1", port: node.port, agentPort: 9188 },
      ],
      admin: { username: ADMIN_ROLE, password: ADMIN_ROLE_PASSWORD },
    },
  });
  const realPair = real.body as { pair: { id: string }; agentTokens: Record<string, string> };
  await h.call("POST", "/v1/agent/report", {
    bearer: realPair.agentTokens.n1 as string,
    body: { reports: [stateReport(new Date(), stateSample())] },
  });
  const createStats = await sequential(DB_CREATES, async (i) => {
    const reply = await h.call("POST", "/v1/databases", {
      cookie,
      body: { pairId: realPair.pair.id, name: `bench_${i}_${randomUUID().slice(0, 8)}` },
    });
    return reply.status === 201;
  });
  const row = (name: string, s: Stats) =>
    `| ${name.padEnd(34)} | ${String(s.count).padStart(6)} | ${String(s.errors).padStart(6)} | ${s.p50.toFixed(1).padStart(8)} | ${s.p99.toFixed(1).padStart(8)} | ${s.max.toFixed(1).padStart(8)} | ${s.perSecond.toFixed(1).padStart(8)} |`;
  console.log(
    `| ${"operation".padEnd(34)} | ${"count".padStart(6)} | ${"errors".padStart(6)} | ${"p50 ms".padStart(8)} | ${"p99 ms".padStart(8)} | ${"max ms".padStart(8)} | ${"per s".padStart(8)} |`,
  );
  console.log(
    `|${"-".repeat(36)}|${"-".repeat(8)}|${"-".repeat(8)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(10)}|${"-".repeat(10)}|`,
  );
  console.log(row(`agent report (${AGENTS} agents, ${SECONDS} s)`, ingestStats));
  console.log(row(`GET /v1/pairs (${AGENTS / 2} pairs)`, pairsStats));
  console.log(row("POST /v1/databases (real node)", createStats));
  console.log(
    `CPU per agent report (independent of machine load): control plane ${cpuPerReport.server.toFixed(2)} ms, store PostgreSQL ${cpuPerReport.store.toFixed(2)} ms`,
  );
  console.log(
    `RESULT ingest_p99_ms=${ingestStats.p99.toFixed(1)} ingest_errors=${ingestStats.errors} pairs_get_p99_ms=${pairsStats.p99.toFixed(1)} db_create_p50_ms=${createStats.p50.toFixed(1)}`,
  );
} finally {
  child?.kill("SIGTERM");
  await node.stop();
  await store.stop();
}
