// The real agent process against a real PostgreSQL and a real (recording) HTTP control plane.
import { mkdtemp, rm, unlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StateReport } from "@pgaas/common/wire";
import { freePort, type LocalPostgres, RecordingControlPlane, startLocalPostgres } from "@pgaas/testing";
import { type AgentProcess, spawnAgent, waitFor } from "@pgaas/testing/agent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const TOKEN = "agt_e2e_Zk3vQ8pL1mN6";
let pg: LocalPostgres;
let cp: RecordingControlPlane;
let dir: string;
let agent: AgentProcess;
let agentUrl: string;
const fenceMarker = () => join(dir, "fenced");

beforeAll(async () => {
  pg = await startLocalPostgres();
  cp = new RecordingControlPlane(TOKEN);
  await cp.start();
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-e2e-"));
  await writeFile(join(dir, "agent.token"), `${TOKEN}\n`, { mode: 0o600 });
  const port = await freePort();
  agentUrl = `http://127.0.0.1:${port}`;
  agent = await spawnAgent(dir, {
    pairName: "orders",
    nodeName: "n1",
    controlPlane: { url: cp.url, tokenFile: join(dir, "agent.token"), timeoutMs: 1000 },
    postgres: { socketDir: pg.socketDir, port: pg.port, user: pg.user, dataDir: pg.dataDir },
    repmgr: { configFile: join(dir, "repmgr.conf") },
    fenceMarkerFile: fenceMarker(),
    listen: { host: "127.0.0.1", port },
    intervals: { stateSeconds: 0.5, metricsSeconds: 1 },
    spool: { dir: join(dir, "spool") },
  });
});

afterAll(async () => {
  await agent?.stop();
  await cp?.stop();
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${agentUrl}${path}`);
  return { status: res.status, body: await res.text() };
};
const states = () => cp.accepted.filter((r): r is StateReport => r.kind === "state");

describe("pgaas-agent process", () => {
  it("reports its primary's state and metrics, and answers /primary and /health", async () => {
    await waitFor(
      "a state and a metrics report",
      () => cp.accepted.some((r) => r.kind === "metrics") && states().length > 0,
      20_000,
    );
    const first = states()[0];
    expect(first?.sequence).toBe(0);
    expect(first?.state).toMatchObject({
      role: "primary",
      fenced: false,
      writable: true,
      timeline: 1,
      syncState: "degraded",
      repmgr: { nodeId: null, status: "unregistered", upstreamNode: null },
      error: null,
    });
    const metrics = cp.accepted.find((r) => r.kind === "metrics");
    expect(metrics?.kind === "metrics" && metrics.databases.map((db) => db.name)).toEqual(["postgres"]);
    expect(await get("/primary")).toEqual({ status: 200, body: "primary\n" });
    expect((await get("/health")).status).toBe(200);
    expect(cp.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(agent.logs.some((line) => line.includes(TOKEN))).toBe(false);
  });

  it("reports fencing at once and /primary flips to 503", async () => {
    const before = states().length;
    await writeFile(fenceMarker(), "fenced by test\n");
    await waitFor(
      "the fenced state",
      () =>
        states()
          .slice(before)
          .some((r) => r.state.fenced),
      2000,
    );
    expect(await get("/primary")).toEqual({ status: 503, body: "fenced\n" });
    await unlink(fenceMarker());
    await waitFor("the unfenced state", () => states().at(-1)?.state.fenced === false, 2000);
    expect(await get("/primary")).toEqual({ status: 200, body: "primary\n" });
  });

  it("keeps every sample through a 30 s control-plane outage and delivers each once, in order", async () => {
    await cp.stop();
    const acceptedBefore = cp.accepted.length;
    await new Promise((resolve) => setTimeout(resolve, 30_000));
    const health = JSON.parse((await get("/health/detail")).body) as {
      spooledReports: number;
      controlPlaneFailures: number;
    };
    expect(health.spooledReports).toBeGreaterThanOrEqual(80);
    expect(health.controlPlaneFailures).toBeGreaterThanOrEqual(3);
    await cp.start();
    await waitFor(
      "the spool to drain",
      async () => JSON.parse((await get("/health/detail")).body).spooledReports === 0,
      20_000,
    );
    const sequences = cp.accepted.map((r) => r.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i));
    expect(cp.accepted.length - acceptedBefore).toBeGreaterThanOrEqual(health.spooledReports);
    const kinds = cp.accepted.slice(acceptedBefore).map((r) => r.kind);
    expect(kinds.filter((k) => k === "metrics").length).toBeGreaterThanOrEqual(28);
    const metricsText = (await get("/metrics")).body;
    expect(metricsText).toMatch(/^pgaas_agent_spool_dropped_total\{kind="metrics"\} 0$/m);
  }, 90_000);

  it("exits 0 on SIGTERM", async () => {
    expect(await agent.stop()).toBe(0);
    expect(agent.logs.map((line) => JSON.parse(line).msg)).toContain("agent stopped");
  });
});
