import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { memoryLogger } from "@pgaas/common";
import type { AgentCommand, MetricsReport, SlowQuery, StateReport } from "@pgaas/common/wire";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent } from "../src/agent.js";
import { DiskSpool } from "../src/spool/disk-spool.js";
import {
  APP_DB,
  HOST,
  MemoryClientAuth,
  MemoryControlPlane,
  MemoryHost,
  MemoryProbe,
  MemoryRepmgr,
  memoryAgent,
  memoryCommandRunner,
  PRIMARY,
  STANDBY,
} from "./support/fakes.js";

const START = Date.parse("2026-11-29T22:00:00.000Z");

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-agent-tick-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function setup() {
  const world = await memoryAgent(dir, START);
  const { agent } = world;
  const actions = async (count: number) => {
    const out: string[] = [];
    for (let i = 0; i < count; i += 1) out.push((await agent.tick()).action);
    return out;
  };
  return { ...world, actions };
}

describe("Agent.tick", () => {
  it("reports the first state at once, then metrics, then idles; each decision is logged", async () => {
    const { agent, controlPlane, logger, actions } = await setup();
    expect(await actions(3)).toEqual(["report_state_change", "report_metrics", "idle"]);
    expect(controlPlane.batches).toHaveLength(2);
    const [state] = controlPlane.batches[0] as [StateReport];
    expect(state).toEqual({
      reportId: state.reportId,
      sampledAt: "2026-11-29T22:00:00.000Z",
      sequence: 0,
      agentStartedAt: "2026-11-29T22:00:00.000Z",
      kind: "state",
      state: {
        role: "primary",
        fenced: false,
        writable: true,
        timeline: 1,
        lsn: "0/3000148",
        receiveLsn: null,
        lagBytes: 0,
        lagSeconds: 0,
        syncState: "sync",
        synchronousStandbyNames: "ANY 1 (n1, n2)",
        streamingStandbys: [{ name: "n2", state: "streaming", syncState: "quorum" }],
        postmasterStartedAt: "2026-11-29T20:00:00.000Z",
        repmgr: { nodeId: 1, status: "running", upstreamNode: null },
        pendingRestart: false,
        error: null,
        heal: "none",
      },
    });
    const [metrics] = controlPlane.batches[1] as [MetricsReport];
    expect(metrics).toEqual({
      reportId: metrics.reportId,
      sampledAt: "2026-11-29T22:00:00.000Z",
      sequence: 1,
      agentStartedAt: "2026-11-29T22:00:00.000Z",
      kind: "metrics",
      databases: [APP_DB],
      host: HOST,
    });
    const ticks = logger.lines.map((line) => JSON.parse(line)).filter((line) => line.msg === "tick");
    expect(ticks.map((line) => [line.action, line.reason])).toEqual([
      ["report_state_change", "first state since agent start (primary)"],
      ["report_metrics", "metrics due"],
      ["idle", "nothing due; next state in 2.0 s"],
    ]);
    expect(agent.status().counters.reportsDelivered).toBe(2);
  });

  it("reports state every interval and metrics every metrics interval", async () => {
    const { clock, controlPlane, actions } = await setup();
    await actions(3);
    const kinds: string[] = [];
    for (let step = 1; step <= 8; step += 1) {
      clock.now = START + step * 2000;
      kinds.push(...(await actions(2)));
    }
    expect(kinds.filter((a) => a === "report_state")).toHaveLength(8);
    expect(kinds.filter((a) => a === "report_metrics")).toHaveLength(1);
    expect(controlPlane.accepted.map((r) => r.kind).join(",")).toBe(
      "state,metrics,state,state,state,state,state,state,state,state,metrics",
    );
  });

  it("spools while the control plane is down and replays every report once, in order, when it returns", async () => {
    const { clock, controlPlane, spool, agent, actions } = await setup();
    await actions(3);
    controlPlane.mode = "down";
    const seen: string[] = [];
    for (let step = 1; step <= 10; step += 1) {
      clock.now = START + step * 2000;
      for (let i = 0; i < 4; i += 1) seen.push((await agent.tick()).action);
    }
    expect(seen.filter((a) => a === "report_state")).toHaveLength(1);
    expect(seen.filter((a) => a === "spool_state")).toHaveLength(9);
    expect(seen.filter((a) => a === "spool_metrics")).toHaveLength(1);
    expect(spool.stats().reports).toBe(11);
    expect(agent.status().controlPlaneFailures).toBeGreaterThan(1);

    controlPlane.mode = "up";
    clock.now = START + 60_000;
    expect(await actions(4)).toEqual(["spool_state", "spool_metrics", "replay", "idle"]);
    expect(spool.stats().reports).toBe(0);
    expect(controlPlane.accepted.map((r) => r.sequence)).toEqual(
      Array.from({ length: controlPlane.accepted.length }, (_, i) => i),
    );
    expect(controlPlane.accepted).toHaveLength(15);
    expect(agent.status().controlPlaneFailures).toBe(0);
  });

  it("reports a role change at once even while backing off, behind the spooled reports", async () => {
    const { clock, controlPlane, probe, spool, actions } = await setup();
    probe.state = STANDBY;
    await actions(3);
    controlPlane.mode = "down";
    clock.now = START + 2000;
    expect(await actions(2)).toEqual(["report_state", "idle"]);
    const attempts = controlPlane.attempts;
    controlPlane.mode = "up";
    probe.state = { ...PRIMARY, timeline: 2 };
    clock.now = START + 2100;
    expect(await actions(1)).toEqual(["report_state_change"]);
    expect(controlPlane.attempts).toBe(attempts + 1);
    expect(spool.stats().reports).toBe(0);
    const last = controlPlane.batches.at(-1) as StateReport[];
    expect(last.map((r) => [r.sequence, r.state.role])).toEqual([
      [2, "standby"],
      [3, "primary"],
    ]);
  });

  it("reports PostgreSQL down with the error, and metrics with host figures only", async () => {
    const { controlPlane, probe, actions } = await setup();
    probe.state = "down";
    expect(await actions(2)).toEqual(["report_state_change", "report_metrics"]);
    const [state] = controlPlane.batches[0] as [StateReport];
    expect(state.state).toEqual({
      role: "down",
      fenced: false,
      writable: false,
      timeline: null,
      lsn: null,
      receiveLsn: null,
      lagBytes: null,
      lagSeconds: null,
      syncState: "none",
      synchronousStandbyNames: "",
      streamingStandbys: [],
      postmasterStartedAt: null,
      repmgr: { nodeId: null, status: "unreachable", upstreamNode: null },
      pendingRestart: false,
      error: "connect ECONNREFUSED /run/pg/.s.PGSQL.5432",
      heal: "none",
    });
    const [metrics] = controlPlane.batches[1] as [MetricsReport];
    expect([metrics.databases, metrics.host]).toEqual([[], HOST]);
  });

  it("sends the node's slow statements with the metrics; an unreadable log costs only them", async () => {
    const slow = {
      at: "2026-11-29T21:59:58.000Z",
      database: "app",
      user: "app",
      queryId: "-5708647359667481494",
      durationMs: 1206.292,
    };
    const reads: (SlowQuery[] | Error)[] = [[slow], new Error("EACCES: permission denied")];
    const world = await memoryAgent(dir, START, {
      slowQueries: {
        async read() {
          const next = reads.shift() ?? [];
          if (next instanceof Error) throw next;
          return next;
        },
      },
    });
    expect((await world.agent.tick()).action).toBe("report_state_change");
    expect((await world.agent.tick()).action).toBe("report_metrics");
    const [first] = world.controlPlane.batches[1] as [MetricsReport];
    expect(first.slowQueries).toEqual([slow]);
    world.clock.now += 15_000;
    const actions: string[] = [];
    for (let tick = 0; tick < 10 && !actions.includes("report_metrics"); tick += 1)
      actions.push((await world.agent.tick()).action);
    const second = world.controlPlane.batches
      .flat()
      .filter((report): report is MetricsReport => report.kind === "metrics")[1];
    expect([second?.slowQueries, second?.host]).toEqual([undefined, HOST]);
    const warnings = world.logger.lines
      .map((line) => JSON.parse(line))
      .filter((line) => line.level === "warn");
    expect(warnings.map((line) => line.msg)).toEqual(["cannot read the slow-query log"]);
  });

  it("drops a batch the control plane refuses for good, counted, without spooling it", async () => {
    const { controlPlane, spool, agent, logger, actions } = await setup();
    controlPlane.mode = "reject";
    expect(await actions(2)).toEqual(["report_state_change", "report_metrics"]);
    expect(spool.stats().reports).toBe(0);
    expect(agent.status().counters.reportsRejected).toBe(2);
    const errors = logger.lines.map((line) => JSON.parse(line)).filter((line) => line.level === "error");
    expect(errors.map((line) => [line.msg, line.reports])).toEqual([
      ["control plane refused reports; dropped", 1],
      ["control plane refused reports; dropped", 1],
    ]);
  });

  it("runs a switchover the control plane asks for once, and posts its result", async () => {
    const { controlPlane, commands, probe, agent, actions } = await setup();
    probe.state = STANDBY;
    const command: AgentCommand = {
      id: "0b8f3f0e-3d7c-4d9a-8a5e-4f7a3c1d2e90",
      type: "switchover",
      requestedAt: "2026-11-29T21:59:59.000Z",
    };
    controlPlane.commands = [command];
    expect(await actions(4)).toEqual(["report_state_change", "report_metrics", "run_command", "idle"]);
    await agent.commandsSettled();
    expect(commands.runs).toEqual([{ id: command.id, role: "standby" }]);
    expect(controlPlane.results).toEqual([
      {
        id: command.id,
        result: {
          outcome: "succeeded",
          startedAt: "2026-11-29T21:00:00.000Z",
          finishedAt: "2026-11-29T21:00:04.000Z",
          message: "switchover completed",
        },
      },
    ]);
    expect(agent.status().counters.commandsSucceeded).toBe(1);
  });
});

describe("Agent.run", () => {
  it("logs an unexpected error as a bug and keeps looping", async () => {
    const logger = memoryLogger("agent");
    const probe = new MemoryProbe();
    const controlPlane = new MemoryControlPlane();
    let calls = 0;
    const flaky = Object.assign(Object.create(probe) as MemoryProbe, {
      readState: async () => {
        calls += 1;
        if (calls === 1) throw new TypeError("cannot read properties of undefined (reading 'lsn')");
        return PRIMARY;
      },
    });
    const agent = new Agent({
      stateIntervalMs: 200,
      metricsIntervalMs: 60_000,
      probe: flaky,
      repmgr: new MemoryRepmgr(),
      host: new MemoryHost(),
      controlPlane,
      commands: memoryCommandRunner(),
      spool: await DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger }),
      logger,
    });
    const abort = new AbortController();
    const loop = agent.run(abort.signal);
    for (let i = 0; i < 50 && controlPlane.accepted.length < 3; i += 1)
      await new Promise((r) => setTimeout(r, 50));
    abort.abort();
    await loop;
    const bugs = logger.lines.map((line) => JSON.parse(line)).filter((line) => line.level === "error");
    expect(bugs.map((line) => [line.msg, line.error])).toEqual([
      ["bug: tick failed", "cannot read properties of undefined (reading 'lsn')"],
    ]);
    expect(agent.status().counters.bugs).toBe(1);
    expect(controlPlane.accepted.map((r) => r.kind).slice(0, 3)).toEqual(["state", "metrics", "state"]);
  });
});

describe("Agent.run stopping", () => {
  it("ends promptly when stopped in the middle of a tick, even with a long interval", async () => {
    const { agent, probe, controlPlane } = await memoryAgent(dir, Date.now(), { stateIntervalMs: 60_000 });
    const abort = new AbortController();
    const loop = agent.run(abort.signal);
    for (let i = 0; i < 50 && controlPlane.accepted.length < 2; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 50)); // asleep now, for about 60 s
    // Wake it into a tick that is still running when the stop comes.
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const calls = probe.readStateCalls;
    const readState = probe.readState.bind(probe);
    probe.readState = async () => {
      await gate;
      return readState();
    };
    agent.wake();
    for (let i = 0; i < 50 && probe.readStateCalls === calls; i += 1)
      await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    release();
    const started = Date.now();
    await loop;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(controlPlane.accepted.map((r) => r.kind)).toEqual(["state", "metrics"]);
  });
});

describe("client auth from the acknowledgements", () => {
  const bundle = {
    version: 3,
    caCertificate: "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n",
    crl: "-----BEGIN X509 CRL-----\nBB==\n-----END X509 CRL-----\n",
  };

  it("applies the CA and CRL an acknowledgement carries and reports their version from then on", async () => {
    const clientAuth = new MemoryClientAuth();
    const { agent, clock, controlPlane, logger } = await memoryAgent(dir, START, { clientAuth });
    controlPlane.clientAuth = bundle;
    expect((await agent.tick()).action).toBe("report_state_change");
    const [first] = controlPlane.batches[0] as [StateReport];
    expect(first.state.clientAuthVersion).toBeNull();
    expect(clientAuth.applied).toEqual([3]);
    expect(logger.lines.some((line) => line.includes("client CA and CRL applied"))).toBe(true);
    clock.now += 15_000;
    for (let i = 0; i < 3; i += 1) await agent.tick();
    const states = controlPlane.accepted.filter((report): report is StateReport => report.kind === "state");
    expect(states.at(-1)?.state.clientAuthVersion).toBe(3);
    expect(clientAuth.applied).toEqual([3]);
  });

  it("keeps its old version when applying fails, and applies the bundle sent with a later acknowledgement", async () => {
    const clientAuth = new MemoryClientAuth();
    clientAuth.failing = true;
    const { agent, clock, controlPlane, logger } = await memoryAgent(dir, START, { clientAuth });
    controlPlane.clientAuth = bundle;
    await agent.tick();
    expect(clientAuth.version()).toBeNull();
    expect(logger.lines.some((line) => line.includes("client CA and CRL not applied"))).toBe(true);
    clientAuth.failing = false;
    clock.now += 2000;
    await agent.tick();
    expect(clientAuth.applied).toEqual([3]);
  });

  it("leaves the version out of the state of an agent without client auth", async () => {
    const { agent, controlPlane } = await memoryAgent(dir, START);
    controlPlane.clientAuth = bundle;
    await agent.tick();
    const [first] = controlPlane.batches[0] as [StateReport];
    expect("clientAuthVersion" in first.state).toBe(false);
  });
});
