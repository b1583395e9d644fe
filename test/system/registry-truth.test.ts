// System test: what the API shows while a primary host vanishes, on a real pair (two namespace hosts +
// witness, repmgr, keepalived) with agents reporting to the real control plane. The old primary is
// `unreachable` within three report intervals and the pair `degraded` with a reason; repmgr promotes
// n2 and the API names it; at no polled instant are two nodes writable; when the old primary's host
// comes back (fenced, or still writable and so superseded), a switchover towards it is refused with
// 409. Needs root (network namespaces).
import { isolateHost, restoreHost } from "@pgaas/engine/testing";
import { STATE_REPORT_INTERVAL_MS, UNREACHABLE_AFTER_MS } from "@pgaas/portal";
import { LAB_HOSTS, labPairHosts, printProgress, Timeline, waitFor, withLab } from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import { afterAll, describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const POLL_MS = 200;
const fixture = withLab({ range: { prefix: "prg", first: "10.231.185.0/24", count: 3 }, hosts: LAB_HOSTS });

interface Snapshot {
  readonly at: number;
  readonly primary: string | null;
  readonly health: string;
  readonly reason: { code: string; node: string | null; since: string | null; message: string } | null;
  readonly switchover: { target: string | null; refusal: { code: string; message: string } | null };
  readonly nodes: {
    name: string;
    state: string;
    writable: boolean;
    fenced: boolean;
    lastReportAt: string | null;
  }[];
}

let isolated = false;

const ctx = withAgentPair(fixture, {
  name: "reg",
  agent: {
    listenPort: AGENT_PORT,
    stateSeconds: STATE_REPORT_INTERVAL_MS / 1000,
    metricsSeconds: 15,
    // What the registry shows of a returning old primary, held still: with automatic rejoin its agent
    // turns it into a standby within seconds (test/system/auto-rejoin.test.ts and the soak cover that).
    autoRejoin: false,
  },
});

afterAll(async () => {
  if (isolated) await restoreHost(fixture.lab, "n1");
}, 120_000);

describe("registry truth while a primary host vanishes", () => {
  it("shows the old primary unreachable within 6 s, one writable node at every instant, and refuses a switchover to it when it is back", async () => {
    const lab = fixture.lab;
    const timeline = new Timeline();
    const seen: Snapshot[] = [];
    const { pairId } = await deployAgentPair(ctx.cp, ctx.spec, labPairHosts(lab), ctx.secrets, printProgress);
    timeline.mark("bootstrapped");
    const look = async (): Promise<Snapshot> => {
      const reply = await ctx.cp.request("GET", `/v1/pairs/${pairId}`);
      const snapshot = { at: Date.now(), ...(reply.body as { pair: Omit<Snapshot, "at"> }).pair };
      seen.push(snapshot);
      return snapshot;
    };
    const node = (view: Snapshot, name: string) => view.nodes.find((n) => n.name === name);
    try {
      await waitFor(
        "a healthy pair ready to switch over to n2",
        async () => {
          const view = await look();
          return view.health === "healthy" && view.switchover.refusal === null ? view : undefined;
        },
        60_000,
        POLL_MS,
      );
      timeline.mark("healthy");

      const vanishedAt = timeline.mark("n1's host vanishes");
      await isolateHost(lab, "n1");
      isolated = true;
      const unreachable = await waitFor(
        "n1 unreachable",
        async () => {
          const view = await look();
          return node(view, "n1")?.state === "unreachable" ? view : undefined;
        },
        30_000,
        POLL_MS,
      );
      timeline.mark("API shows n1 unreachable", unreachable.at);
      const lastReport = Date.parse(node(unreachable, "n1")?.lastReportAt ?? "");
      // n1's last report left at most one interval before the host vanished.
      expect(lastReport).toBeGreaterThanOrEqual(vanishedAt - STATE_REPORT_INTERVAL_MS - 1000);
      expect(unreachable.at - vanishedAt).toBeLessThanOrEqual(
        UNREACHABLE_AFTER_MS + STATE_REPORT_INTERVAL_MS,
      );
      if (unreachable.primary === "n1") {
        // Not promoted yet: n1 is the last known primary, not writable, and the reason says so.
        expect([unreachable.health, unreachable.reason?.code, unreachable.reason?.node]).toEqual([
          "degraded",
          "primary_unreachable",
          "n1",
        ]);
        expect(unreachable.reason?.message).toMatch(
          /^n1 \(primary\) unreachable since \S+Z: writes may be failing; commits acknowledged until then are also on n2 \(synchronous standby\)$/,
        );
        expect(unreachable.switchover.refusal?.code).toBe("switchover_primary_unreachable");
      }

      const promoted = await waitFor(
        "the API to name n2 with synchronous replication off",
        async () => {
          const view = await look();
          return view.primary === "n2" && view.reason?.code === "standby_unreachable" ? view : undefined;
        },
        90_000,
        POLL_MS,
      );
      timeline.mark("API shows n2 as primary, n1 unreachable", promoted.at);
      expect(promoted.reason).toEqual({
        code: "standby_unreachable",
        node: "n1",
        since: node(promoted, "n1")?.lastReportAt,
        message: expect.stringMatching(/^n1 unreachable since \S+Z: /),
      });

      await restoreHost(lab, "n1");
      isolated = false;
      timeline.mark("n1's host is back");
      // n1 reports again; its agent first replays what it spooled while cut off. Wait until its state
      // holds for two report intervals, then the API must refuse a switchover towards it either way:
      // fenced (its fence watcher stopped it) or superseded (it still claims writes on the old timeline).
      let previous = "";
      let since = 0;
      const back = await waitFor(
        "n1 reporting a settled state",
        async () => {
          const view = await look();
          const n1 = node(view, "n1");
          const key = `${n1?.state}/${n1?.fenced}`;
          if (n1?.state === "unreachable" || key !== previous) {
            [previous, since] = [key, view.at];
            return undefined;
          }
          return view.at - since >= 2 * STATE_REPORT_INTERVAL_MS ? view : undefined;
        },
        60_000,
        POLL_MS,
      );
      const n1 = node(back, "n1");
      timeline.mark(`API shows n1 ${n1?.state}, fenced ${n1?.fenced}`, since);
      const refused = await ctx.cp.request("POST", `/v1/pairs/${pairId}/switchover`, {
        confirm: ctx.spec.name,
      });
      const expected = n1?.fenced
        ? {
            state: "reporting",
            reason: "standby_fenced",
            code: "switchover_target_fenced",
            message: "n1 is fenced: it must be rejoined first",
          }
        : {
            state: "superseded",
            reason: "standby_superseded",
            code: "switchover_target_superseded",
            message: "n1 is a superseded primary, not a standby: it must be rejoined first",
          };
      expect([back.primary, n1?.state, n1?.writable, back.reason?.code]).toEqual([
        "n2",
        expected.state,
        false,
        expected.reason,
      ]);
      expect(refused).toEqual({
        status: 409,
        body: expect.objectContaining({
          error: {
            code: expected.code,
            message: expected.message,
            details: { primary: "n2", target: "n1" },
          },
        }),
      });

      // The whole run, polled every 200 ms: never two writable nodes, and the writable one is the primary.
      const writable = seen.map((view) => view.nodes.filter((n) => n.writable).map((n) => n.name));
      expect(writable.filter((names) => names.length > 1)).toEqual([]);
      expect(
        seen.filter((view, i) => (writable[i]?.length ?? 0) === 1 && writable[i]?.[0] !== view.primary),
      ).toEqual([]);
      process.stdout.write(`${timeline.format()}\n(${seen.length} views polled)\n`);
    } catch (error) {
      process.stdout.write(`${timeline.format()}\n`);
      throw error;
    }
  }, 300_000);
});
