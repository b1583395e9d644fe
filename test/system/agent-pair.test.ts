// System test: the agent on a real pair (two namespace hosts + witness, repmgr, keepalived) reporting
// to the real control plane. Both agents report; after kill -9 of the primary the control plane names
// the new primary within two state intervals of the promotion and /primary flips; with the control
// plane stopped for 30 s, every state sample reaches the store once; a switchover requested in the
// API runs through the standby's agent. Needs root (network namespaces).
import type { Secret } from "@pgaas/common";
import { pairStatus, rejoin } from "@pgaas/engine";
import {
  adminTarget,
  dumpLogs,
  killPostmaster,
  LAB_HOSTS,
  labPairHosts,
  printProgress,
  serverRole,
  Timeline,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import pg from "pg";
import { describe, expect, it } from "vitest";

const STATE_SECONDS = 2;
const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "pga", first: "10.231.40.0/24", count: 5 }, hosts: LAB_HOSTS });

/** The agent's detail endpoints want the node's agent token from off the host. */
async function agentGet(
  node: string,
  path: string,
  token?: Secret,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://${fixture.lab.host(node).address}:${AGENT_PORT}${path}`, {
    signal: AbortSignal.timeout(3000),
    ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token.reveal()}` } }),
  });
  return { status: res.status, body: await res.text() };
}

const ctx = withAgentPair(fixture, {
  name: "agt",
  agent: { listenPort: AGENT_PORT, stateSeconds: STATE_SECONDS, metricsSeconds: 15 },
});

describe("agents on a real pair", () => {
  it("report both nodes, show the new primary within two state intervals, lose no sample, run a switchover", async () => {
    const lab = fixture.lab;
    const timeline = new Timeline();
    try {
      const { pairId, agentTokens } = await deployAgentPair(
        ctx.cp,
        ctx.spec,
        labPairHosts(lab),
        ctx.secrets,
        printProgress,
      );
      timeline.mark("bootstrapped");

      // Both agents report.
      const both = await waitFor(
        "both agents reporting",
        async () => {
          const view = await ctx.cp.pair(pairId);
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
      await killPostmaster(lab, ctx.spec, "n1");
      const n2 = { ...adminTarget(ctx.spec, ctx.secrets, lab.host("n2").address), database: "postgres" };
      const promotedAt = await waitFor(
        "n2 promoted",
        async () => ((await serverRole(n2)) === "primary" ? Date.now() : undefined),
        60_000,
        100,
      );
      timeline.mark("n2 accepts writes", promotedAt);
      const visibleAt = await waitFor(
        "the control plane to name n2",
        async () => ((await ctx.cp.pair(pairId)).primary === "n2" ? Date.now() : undefined),
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
      await ctx.cp.stop();
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      await ctx.cp.restart();
      const restartedAt = timeline.mark("control plane restarted");
      for (const node of ["n1", "n2"]) {
        await waitFor(
          `${node}'s spool to drain`,
          async () => {
            const health = JSON.parse((await agentGet(node, "/health/detail", agentTokens[node])).body) as {
              spooledReports: number;
            };
            return health.spooledReports === 0 ? true : undefined;
          },
          30_000,
        );
        const metrics = (await agentGet(node, "/metrics", agentTokens[node])).body;
        expect(metrics).toMatch(/^pgaas_agent_spool_dropped_total\{kind="metrics"\} 0$/m);
        expect(metrics).toMatch(/^pgaas_agent_spool_dropped_total\{kind="state"\} 0$/m);
      }
      timeline.mark("spools drained");

      // Every state sample of the outage is in the store exactly once, about one per state interval.
      const client = new pg.Client({ connectionString: ctx.cp.store.url });
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

      // A switchover asked of the control plane is run by the standby's agent (rejoined n1).
      await rejoin(ctx.spec, labPairHosts(lab), ctx.secrets, "n1");
      timeline.mark("n1 rejoined");
      await waitFor(
        "n1 reported as standby",
        async () => {
          const view = await ctx.cp.pair(pairId);
          return view.nodes.map((n) => `${n.name}:${n.role}`).join(",") === "n1:standby,n2:primary"
            ? true
            : undefined;
        },
        30_000,
      );
      // The API refuses a switchover until n2 replicates to n1 synchronously again (409 otherwise).
      await waitFor(
        "n1 ready to take over",
        async () => {
          const { pair } = (await ctx.cp.request("GET", `/v1/pairs/${pairId}`)).body as {
            pair: { switchover: { target: string | null; refusal: unknown } };
          };
          return pair.switchover.target === "n1" && pair.switchover.refusal === null ? true : undefined;
        },
        60_000,
      );
      timeline.mark("n1 a synchronous standby");
      const requested = await ctx.cp.request("POST", `/v1/pairs/${pairId}/switchover`, {
        confirm: ctx.spec.name,
      });
      expect(requested.status).toBe(202);
      expect((requested.body as { command: { nodeName: string; state: string } }).command).toMatchObject({
        nodeName: "n1",
        state: "pending",
      });
      timeline.mark("switchover requested");
      const result = await waitFor(
        "the switchover result",
        async () => {
          const list = (await ctx.cp.request("GET", `/v1/pairs/${pairId}/events`)).body as {
            events: Array<{ type: string; message: string }>;
          };
          return list.events.find((e) => e.type === "switchover_succeeded" || e.type === "switchover_failed");
        },
        300_000,
        500,
      );
      timeline.mark(`${result.type}: ${result.message}`);
      expect(result.type).toBe("switchover_succeeded");
      await waitFor(
        "n1 primary again",
        async () => ((await ctx.cp.pair(pairId)).primary === "n1" ? true : undefined),
        30_000,
        250,
      );
      timeline.mark("control plane shows n1 as primary");
      // The agent cannot reach the witness host: the witness's repmgrd finds the new primary by itself
      // (witness_sync_interval), or it would vouch for the old one.
      await waitFor(
        "the witness watching n1",
        async () =>
          (await pairStatus(ctx.spec, labPairHosts(lab))).witness.watching === "n1" ? true : undefined,
        20_000,
        500,
      );
      timeline.mark("the witness watches n1");
      expect(await agentGet("n1", "/primary")).toEqual({ status: 200, body: "primary\n" });
      process.stdout.write(`${timeline.format()}\n`);
    } catch (error) {
      process.stdout.write(`${timeline.format()}\n`);
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 600_000);
});
