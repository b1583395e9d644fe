import { mkdtemp, rm } from "node:fs/promises";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import { join } from "node:path";
import { Secret } from "@pgaas/common";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { family } from "../src/http/prometheus.js";
import { createAgentHttpServer } from "../src/http/server.js";
import { memoryAgent, STANDBY } from "./support/fakes.js";

const START = Date.parse("2026-11-29T22:00:00.000Z");
const TOKEN = `pgaas_agent_${"T".repeat(43)}`;

/** This machine's first non-loopback IPv4 address: a caller that is not on the agent's loopback. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry !== undefined && entry.family === "IPv4" && !entry.internal)?.address;
  if (address === undefined) throw new Error("this test needs a non-loopback IPv4 address on the machine");
  return address;
}

let dir: string;
let server: Server | null = null;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-http-"));
});
afterEach(async () => {
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = null;
  await rm(dir, { recursive: true, force: true });
});

async function start() {
  const { clock, logger, probe, host, agent } = await memoryAgent(dir, START);
  server = createAgentHttpServer({
    status: () => agent.status(),
    probe,
    host,
    node: { pair: "orders", node: "n1" },
    staleAfterMs: 10_000,
    token: async () => new Secret(TOKEN),
    logger,
    clock: () => clock.now,
  });
  await new Promise<void>((resolve) => server?.listen(0, "0.0.0.0", resolve));
  const port = (server.address() as AddressInfo).port;
  const request = async (
    host: string,
    path: string,
    method = "GET",
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`http://${host}:${port}${path}`, { method, headers });
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      authenticate: res.headers.get("www-authenticate"),
      body: await res.text(),
    };
  };
  const get = async (path: string, method = "GET") => {
    const { status, type, body } = await request("127.0.0.1", path, method);
    return { status, type, body };
  };
  const fromOutside = (path: string, headers: Record<string, string> = {}) =>
    request(outsideAddress(), path, "GET", headers);
  return { clock, probe, host, agent, get, fromOutside, logger };
}

describe("agent HTTP endpoints", () => {
  it("/health says only ok or stale, to anyone: 503 before the first tick, 200 while ticking, 503 when stuck", async () => {
    const { clock, agent, fromOutside } = await start();
    const answer = (status: number, word: string) => ({
      status,
      type: "application/json",
      authenticate: null,
      body: JSON.stringify({ status: word }),
    });
    expect(await fromOutside("/health")).toEqual(answer(503, "stale"));
    await agent.tick();
    clock.now = START + 1500;
    expect(await fromOutside("/health")).toEqual(answer(200, "ok"));
    clock.now = START + 10_001;
    expect(await fromOutside("/health")).toEqual(answer(503, "stale"));
  });

  it("/health/detail tells the loop's state to loopback callers", async () => {
    const { clock, agent, get } = await start();
    expect(await get("/health/detail")).toEqual({
      status: 503,
      type: "application/json",
      body: JSON.stringify({
        status: "stale",
        lastTickAgeMs: null,
        lastDecision: null,
        role: null,
        controlPlaneFailures: 0,
        spooledReports: 0,
      }),
    });
    await agent.tick();
    clock.now = START + 1500;
    expect(await get("/health/detail")).toEqual({
      status: 200,
      type: "application/json",
      body: JSON.stringify({
        status: "ok",
        lastTickAgeMs: 1500,
        lastDecision: { action: "report_state_change", reason: "first state since agent start (primary)" },
        role: "primary",
        controlPlaneFailures: 0,
        spooledReports: 0,
      }),
    });
  });

  it("asks callers from elsewhere for the node's agent token before any detail", async () => {
    const { agent, fromOutside } = await start();
    await agent.tick();
    const refused = {
      status: 401,
      type: "text/plain; charset=utf-8",
      authenticate: 'Bearer realm="pgaas-agent"',
      body: "agent token required\n",
    };
    for (const path of ["/health/detail", "/metrics"]) {
      expect(await fromOutside(path)).toEqual(refused);
      expect(await fromOutside(path, { authorization: `Bearer ${TOKEN}x` })).toEqual(refused);
      expect(await fromOutside(path, { authorization: "Bearer" })).toEqual(refused);
    }
    const detail = await fromOutside("/health/detail", { authorization: `Bearer ${TOKEN}` });
    expect([detail.status, JSON.parse(detail.body).role]).toEqual([200, "primary"]);
    const metrics = await fromOutside("/metrics", { authorization: `bearer ${TOKEN}` });
    expect([metrics.status, metrics.body.includes("pgaas_agent_writable 1\n")]).toEqual([200, true]);
  });

  it("/primary is 200 only on the writable, unfenced primary, asked live", async () => {
    const { probe, host, get, logger } = await start();
    const text = "text/plain; charset=utf-8";
    expect(await get("/primary")).toEqual({ status: 200, type: text, body: "primary\n" });
    probe.state = STANDBY;
    expect(await get("/primary")).toEqual({ status: 503, type: text, body: "not a writable primary\n" });
    probe.state = { ...STANDBY, inRecovery: false, readOnly: true };
    expect(await get("/primary")).toEqual({ status: 503, type: text, body: "not a writable primary\n" });
    probe.state = "down";
    // The cause goes to the agent's log, not to whoever asks.
    expect(await get("/primary")).toEqual({ status: 503, type: text, body: "postgres unreachable\n" });
    expect(logger.lines.some((line) => line.includes("connect ECONNREFUSED /run/pg/.s.PGSQL.5432"))).toBe(
      true,
    );
    probe.state = { ...STANDBY, inRecovery: false };
    host.isFenced = true;
    expect(await get("/primary")).toEqual({ status: 503, type: text, body: "fenced\n" });
    expect(await get("/primary", "HEAD")).toEqual({ status: 503, type: text, body: "" });
  });

  it("/metrics exposes the agent's state and counters in Prometheus text format", async () => {
    const { agent, get } = await start();
    await agent.tick();
    await agent.tick();
    const res = await get("/metrics");
    expect([res.status, res.type]).toEqual([200, "text/plain; version=0.0.4; charset=utf-8"]);
    const samples = res.body
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("#") && !line.startsWith("process_"));
    expect(samples).toEqual([
      'pgaas_agent_info{pair="orders",node="n1"} 1',
      'pgaas_agent_role{role="primary"} 1',
      'pgaas_agent_role{role="standby"} 0',
      'pgaas_agent_role{role="down"} 0',
      'pgaas_agent_role{role="unknown"} 0',
      "pgaas_agent_writable 1",
      "pgaas_agent_fenced 0",
      "pgaas_agent_timeline 1",
      "pgaas_agent_replication_lag_bytes 0",
      "pgaas_agent_replication_lag_seconds 0",
      "pgaas_agent_streaming_standbys 1",
      "pgaas_agent_spool_reports 0",
      "pgaas_agent_spool_bytes 0",
      'pgaas_agent_spool_dropped_total{kind="metrics"} 0',
      'pgaas_agent_spool_dropped_total{kind="state"} 0',
      "pgaas_agent_spool_corrupt_lines_total 0",
      "pgaas_agent_reports_delivered_total 2",
      "pgaas_agent_reports_rejected_total 0",
      "pgaas_agent_control_plane_failures_total 0",
      "pgaas_agent_control_plane_consecutive_failures 0",
      'pgaas_agent_ticks_total{action="report_state_change"} 1',
      'pgaas_agent_ticks_total{action="report_state"} 0',
      'pgaas_agent_ticks_total{action="report_metrics"} 1',
      'pgaas_agent_ticks_total{action="report_heal_events"} 0',
      'pgaas_agent_ticks_total{action="spool_state"} 0',
      'pgaas_agent_ticks_total{action="spool_metrics"} 0',
      'pgaas_agent_ticks_total{action="replay"} 0',
      'pgaas_agent_ticks_total{action="run_command"} 0',
      'pgaas_agent_ticks_total{action="idle"} 0',
      "pgaas_agent_bugs_total 0",
      'pgaas_agent_commands_total{outcome="succeeded"} 0',
      'pgaas_agent_commands_total{outcome="failed"} 0',
      `pgaas_agent_last_tick_timestamp_seconds ${START / 1000}`,
    ]);
    expect(res.body).toContain("# TYPE pgaas_agent_reports_delivered_total counter\n");
    expect(res.body).toMatch(/^process_resident_memory_bytes \d+$/m);
  });

  it("answers 404 for unknown paths and 405 for other methods", async () => {
    const { get } = await start();
    expect(await get("/nope")).toEqual({
      status: 404,
      type: "text/plain; charset=utf-8",
      body: "not found\n",
    });
    expect(await get("/primary", "POST")).toEqual({
      status: 405,
      type: "text/plain; charset=utf-8",
      body: "method not allowed\n",
    });
  });
});

describe("Prometheus exposition", () => {
  it("escapes label values", () => {
    expect(family("x_total", "counter", "Help.", [{ labels: { pair: 'a"b\\c\nd' }, value: 3 }])).toBe(
      '# HELP x_total Help.\n# TYPE x_total counter\nx_total{pair="a\\"b\\\\c\\nd"} 3\n',
    );
    expect(family("y", "gauge", "Help.", [{ value: Number.NaN }, { value: Number.POSITIVE_INFINITY }])).toBe(
      "# HELP y Help.\n# TYPE y gauge\ny NaN\ny +Inf\n",
    );
  });
});
