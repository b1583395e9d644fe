// System test: automatic rejoin on a real pair (two namespace hosts + witness, repmgr, keepalived)
// whose agents report to the real control plane. kill -9 of the primary's postmaster → repmgr
// promotes the standby → the old primary's own agent rewinds it and brings it back as the streaming
// synchronous standby, with no human step; then the same the other way round. Needs root.
import { memberLayout } from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
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
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "phl", first: "10.231.180.0/24", count: 5 }, hosts: LAB_HOSTS });

interface EventRow {
  type: string;
  nodeName: string | null;
  message: string;
  durationMs: number | null;
  details: Record<string, unknown>;
}

/** `name:sync_state` of every walsender on `node`, read as postgres over the local socket. */
async function replicationOn(node: string): Promise<string> {
  const layout = memberLayout(ctx.spec, node);
  const result = await hostExec(fixture.lab, node, [
    "runuser",
    "-u",
    "postgres",
    "--",
    "/usr/lib/postgresql/15/bin/psql",
    "-X",
    "-At",
    "-h",
    layout.runDir,
    "-p",
    String(ctx.spec.postgres.port),
    "-d",
    "postgres",
    "-c",
    "SELECT string_agg(application_name || ':' || state || ':' || sync_state, ',' ORDER BY application_name) FROM pg_stat_replication",
  ]);
  return result.stdout.trim();
}

const ctx = withAgentPair(fixture, {
  name: "hel",
  agent: { listenPort: AGENT_PORT, stateSeconds: 1, metricsSeconds: 15 },
});

describe("automatic rejoin", () => {
  it("brings a killed primary back as the synchronous standby, twice, with no human step", async () => {
    const lab = fixture.lab;
    const timeline = new Timeline();
    try {
      const { pairId } = await deployAgentPair(
        ctx.cp,
        ctx.spec,
        labPairHosts(lab),
        ctx.secrets,
        printProgress,
      );
      timeline.mark("bootstrapped");
      await waitFor(
        "both agents reporting",
        async () => ((await ctx.cp.pair(pairId)).health === "healthy" ? true : undefined),
        30_000,
      );

      const events = async (): Promise<EventRow[]> =>
        ((await ctx.cp.request("GET", `/v1/pairs/${pairId}/events`)).body as { events: EventRow[] }).events;

      for (const [from, to] of [
        ["n1", "n2"],
        ["n2", "n1"],
      ] as const) {
        const before = (await events()).length;
        const killedAt = timeline.mark(`kill -9 ${from}'s postmaster`);
        await killPostmaster(lab, ctx.spec, from);
        const target = { ...adminTarget(ctx.spec, ctx.secrets, lab.host(to).address), database: "postgres" };
        await waitFor(
          `${to} promoted`,
          async () => ((await serverRole(target)) === "primary" ? true : undefined),
          60_000,
          100,
        );
        timeline.mark(`${to} accepts writes`);
        // The old primary streams again and confirms commits: ANY 1 (…) shows as "quorum".
        const replication = await waitFor(
          `${from} streaming as the synchronous standby of ${to}`,
          async () => {
            const rows = await replicationOn(to);
            return rows === `${from}:streaming:quorum` ? rows : undefined;
          },
          120_000,
          500,
        );
        const healedAt = timeline.mark(`${from} is ${to}'s synchronous standby`);
        expect(replication).toBe(`${from}:streaming:quorum`);
        expect(
          await serverRole({
            ...adminTarget(ctx.spec, ctx.secrets, lab.host(from).address),
            database: "postgres",
          }),
        ).toBe("standby");
        const view = await waitFor(
          "the control plane to show a healthy pair and the rejoin finished",
          async () => {
            const pair = await ctx.cp.pair(pairId);
            // The pair is synchronous a moment before the healer has checked it and reports "none".
            const settled = pair.nodes.every((n) => n.healState === "none");
            return pair.health === "healthy" && pair.primary === to && settled ? pair : undefined;
          },
          30_000,
          250,
        );
        expect(view.syncState).toBe("sync");
        expect(view.nodes.map((n) => `${n.name}:${n.role}:${n.healState}`).sort()).toEqual(
          [`${from}:standby:none`, `${to}:primary:none`].sort(),
        );
        const heal = await waitFor(
          `${from}'s rejoin events`,
          async () => {
            const fresh = (await events()).slice(0, Math.max(0, (await events()).length - before));
            const mine = fresh.filter((e) => e.nodeName === from && e.type.startsWith("rejoin_"));
            return mine.some((e) => e.type === "rejoin_succeeded") ? mine : undefined;
          },
          30_000,
          250,
        );
        expect(heal.map((e) => e.type).sort()).toEqual(["rejoin_started", "rejoin_succeeded"]);
        const succeeded = heal.find((e) => e.type === "rejoin_succeeded");
        expect(succeeded?.details).toEqual({ attempt: 1, method: "pg_rewind" });
        expect(succeeded?.durationMs).toBeGreaterThan(0);
        process.stdout.write(
          `${from}: kill → sync standby again ${((healedAt - killedAt) / 1000).toFixed(1)} s (rejoin ${succeeded?.durationMs} ms)\n`,
        );
      }
      process.stdout.write(`${timeline.format()}\n`);
    } catch (error) {
      process.stdout.write(`${timeline.format()}\n`);
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 600_000);
});
