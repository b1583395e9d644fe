// System test: the agent on a real pair (two namespace hosts + witness, repmgr, keepalived) reporting
// to the real control plane. Both agents report; after kill -9 of the primary the control plane names
// the new primary within two state intervals of the promotion and /primary flips; with the control
// plane stopped for 30 s, every state sample reaches the store once. Needs root (network namespaces).
import { randomBytes } from "node:crypto";
import { memoryLogger, Secret } from "@pgaas/common";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentSourceArgv } from "../../agent/src/launch.js";
import { loadConfig, type RunningServer, startServer } from "../../portal/server/src/index.js";
import {
  bootstrapPair,
  generatePairSecrets,
  type PairSpec,
  parsePairSpec,
  teardownPair,
} from "../../provider/src/engine/index.js";
import { adminTarget, killPostmaster, serverRole, Timeline, waitFor } from "../support/drill.js";
import { withLab } from "../support/lab.js";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../support/throwaway-postgres.js";
import { dumpLogs, LAB_HOSTS, labPairHosts, labPairSpec, printProgress } from "./pair-fixture.js";

const STATE_SECONDS = 2;
const AGENT_PORT = 9187;
const ADMIN = { email: "admin@example.com", password: "agent-pair-admin-password" };
const fixture = withLab({ range: { prefix: "pga", first: "10.231.40.0/24", count: 10 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("agt");

let store: ThrowawayPostgres;
let server: RunningServer;
let serverConfig: ReturnType<typeof loadConfig>;
let cookie = "";
let spec: PairSpec;

interface PairView {
  primary: string | null;
  nodes: Array<{ name: string; role: string; lastReportAt: string | null }>;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { "content-type": "application/json", cookie },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function agentGet(node: string, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${fixture.lab.host(node).address}:${AGENT_PORT}${path}`, {
    signal: AbortSignal.timeout(3000),
  });
  return { status: res.status, body: await res.text() };
}

beforeAll(async () => {
  const lab = fixture.lab;
  store = await startThrowawayPostgres("pga-store");
  serverConfig = loadConfig({
    DATABASE_URL: store.url,
    PGAAS_LISTEN_HOST: lab.hostAddress,
    PGAAS_PORT: "0",
    PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
    PGAAS_ADMIN_EMAIL: ADMIN.email,
    PGAAS_ADMIN_PASSWORD: ADMIN.password,
  });
  server = await startServer(serverConfig, memoryLogger("control-plane"));
  // Restarts after the outage must come back on the same port: the agents' config names it.
  serverConfig = { ...serverConfig, port: server.port };
  const login = await fetch(`${server.url}/v1/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(ADMIN),
  });
  cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  const base = labPairSpec(lab, "agt");
  spec = parsePairSpec({
    ...base,
    agent: {
      controlPlaneUrl: server.url,
      listenPort: AGENT_PORT,
      stateSeconds: STATE_SECONDS,
      metricsSeconds: 15,
    },
  });
}, 120_000);

afterAll(async () => {
  if (spec)
    await teardownPair(spec, labPairHosts(fixture.lab), {
      postgresSshPublicKey: secrets.postgresSshPublicKey,
    });
  await server?.stop();
  await store?.stop();
}, 120_000);

describe("agents on a real pair", () => {
  it("report both nodes, show the new primary within two state intervals of a promotion, and lose no sample", async () => {
    const lab = fixture.lab;
    const hosts = labPairHosts(lab);
    const timeline = new Timeline();
    try {
      const registered = await api("POST", "/v1/pairs", {
        name: spec.name,
        endpoint: { host: spec.endpoint.address, port: spec.postgres.port },
        nodes: spec.nodes.map((node) => ({
          name: node.name,
          address: node.address,
          port: spec.postgres.port,
          agentPort: AGENT_PORT,
        })),
        witness: { name: spec.witness.name, address: spec.witness.address },
        admin: { username: "pgaas_admin", password: secrets.adminPassword.reveal() },
      });
      expect(registered.status).toBe(201);
      const { pair, agentTokens } = registered.body as {
        pair: { id: string };
        agentTokens: Record<string, string>;
      };
      const pairView = async () =>
        ((await api("GET", `/v1/pairs/${pair.id}`)).body as { pair: PairView }).pair;

      await bootstrapPair(spec, hosts, {
        secrets,
        onProgress: printProgress,
        agentTokens: Object.fromEntries(
          Object.entries(agentTokens).map(([node, token]) => [node, new Secret(token)]),
        ),
        agentArgv: agentSourceArgv(),
      });
      timeline.mark("bootstrapped");

      // Both agents report.
      const both = await waitFor(
        "both agents reporting",
        async () => {
          const view = await pairView();
          const roles = view.nodes.map((n) => `${n.name}:${n.role}`).join(",");
          return view.primary === "n1" && roles === "n1:primary,n2:standby" ? view : undefined;
        },
        30_000,
      );
      expect(both.nodes.every((n) => n.lastReportAt !== null)).toBe(true);
      expect(await agentGet("n1", "/primary")).toEqual({ status: 200, body: "primary\n" });
      expect(await agentGet("n2", "/primary")).toEqual({ status: 503, body: "not a writable primary\n" });

      // kill -9 of the primary: repmgr promotes n2; the control plane follows the agents' reports.
      const killedAt = timeline.mark("kill -9 n1's postmaster");
      await killPostmaster(lab, spec, "n1");
      const n2 = adminTarget(spec, secrets, lab.host("n2").address);
      const promotedAt = await waitFor(
        "n2 promoted",
        async () => ((await serverRole(n2)) === "primary" ? Date.now() : undefined),
        60_000,
        100,
      );
      timeline.mark("n2 accepts writes", promotedAt);
      const visibleAt = await waitFor(
        "the control plane to name n2",
        async () => ((await pairView()).primary === "n2" ? Date.now() : undefined),
        30_000,
        100,
      );
      timeline.mark("control plane shows n2 as primary", visibleAt);
      process.stdout.write(
        `kill → promoted ${((promotedAt - killedAt) / 1000).toFixed(2)} s; promoted → visible ${((visibleAt - promotedAt) / 1000).toFixed(2)} s\n`,
      );
      expect(visibleAt - promotedAt).toBeLessThanOrEqual(2 * STATE_SECONDS * 1000);
      expect(await agentGet("n2", "/primary")).toEqual({ status: 200, body: "primary\n" });
      expect((await agentGet("n1", "/primary")).status).toBe(503);

      // The control plane goes away for 30 s; the agents spool and replay.
      const stoppedAt = timeline.mark("control plane stopped");
      await server.stop();
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      server = await startServer(serverConfig, memoryLogger("control-plane"));
      const restartedAt = timeline.mark("control plane restarted");
      for (const node of ["n1", "n2"]) {
        await waitFor(
          `${node}'s spool to drain`,
          async () => {
            const health = JSON.parse((await agentGet(node, "/health")).body) as { spooledReports: number };
            return health.spooledReports === 0 ? true : undefined;
          },
          30_000,
        );
        const metrics = (await agentGet(node, "/metrics")).body;
        expect(metrics).toMatch(/^pgaas_agent_spool_dropped_total\{kind="metrics"\} 0$/m);
        expect(metrics).toMatch(/^pgaas_agent_spool_dropped_total\{kind="state"\} 0$/m);
      }
      timeline.mark("spools drained");

      // Every state sample of the outage is in the store exactly once, about one per state interval.
      const client = new pg.Client({ connectionString: store.url });
      await client.connect();
      try {
        for (const node of ["n1", "n2"]) {
          const { rows } = await client.query<{ at: Date }>(
            `SELECT s.sampled_at AS at FROM state_samples s JOIN nodes n ON n.id = s.node_id
              WHERE n.name = $1 AND s.sampled_at BETWEEN $2 AND $3 ORDER BY s.sampled_at`,
            [node, new Date(stoppedAt - 5000), new Date(restartedAt + 5000)],
          );
          const times = rows.map((row) => row.at.getTime());
          expect(new Set(times).size).toBe(times.length);
          const gaps = times.slice(1).map((t, i) => t - (times[i] ?? t));
          expect(Math.max(...gaps)).toBeLessThanOrEqual(STATE_SECONDS * 1000 + 1000);
          expect(times.length).toBeGreaterThanOrEqual(
            Math.floor((restartedAt - stoppedAt + 10_000) / (STATE_SECONDS * 1000)) - 2,
          );
        }
      } finally {
        await client.end();
      }
      process.stdout.write(`${timeline.format()}\n`);
    } catch (error) {
      process.stdout.write(`${timeline.format()}\n`);
      await dumpLogs(spec);
      throw error;
    }
  }, 400_000);
});
