// System test: a look at the whole pair as of a point in time through the control plane on a real pair
// (n1, n2, witness w as the pgBackRest repository host) with agents, over HTTPS — the path a portal
// admin takes before restoring. Database A gets N rows, then T, then more rows and database B: the
// standby's agent restores the pair as of T into a scratch instance on its own host (asking the
// primary to push the WAL up to T), and the look lists A with its owner and exactly N rows (ANALYZE in
// the scratch instance) and no B; a second look while it runs is refused; bad targets get a 4xx naming
// the restorable range; no scratch directory is left on either node.
import type { PairBackups, PointInTimeLook } from "@pgaas/api";
import { memberLayout } from "@pgaas/engine";
import { withSsh } from "@pgaas/engine/ssh";
import {
  dumpLogs,
  endpointQuery,
  LAB_HOSTS,
  labPairHosts,
  printProgress,
  waitFor,
  withLab,
} from "@pgaas/testing";
import { deployAgentPair, withAgentPair } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";

const AGENT_PORT = 9187;
const fixture = withLab({ range: { prefix: "psr", first: "10.231.250.0/24", count: 1 }, hosts: LAB_HOSTS });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Rows of A at T. */
const N = 150;

interface Credentials {
  readonly username: string;
  readonly password: string;
}

const sql = (user: Credentials, database: string, text: string) =>
  endpointQuery(ctx.spec, ctx.secrets, user, database, text);

const ctx = withAgentPair(fixture, {
  name: "sr",
  backup: { repository: { kind: "local" } },
  agent: { listenPort: AGENT_PORT, stateSeconds: 2, metricsSeconds: 3 },
});

describe("a look at the pair as of a point in time through the control plane", () => {
  it("lists the databases at T with owner and rows on the standby, not later ones, and refuses bad targets", async () => {
    const lab = fixture.lab;
    const hosts = labPairHosts(lab);
    try {
      const { pairId } = await deployAgentPair(ctx.cp, ctx.spec, hosts, ctx.secrets, printProgress);
      const backups = async () =>
        (await ctx.cp.request("GET", `/v1/pairs/${pairId}/backups`)).body as PairBackups;
      await waitFor(
        "the primary's backup inventory",
        async () => ((await backups()).inventory?.backups.length === 1 ? true : undefined),
        90_000,
      );
      const create = async (name: string) => {
        const reply = await ctx.cp.request("POST", "/v1/databases", { pairId, name });
        expect(reply.status).toBe(201);
        return (reply.body as { credentials: Credentials }).credentials;
      };

      // A with N rows; T; more rows in A and a new database B.
      const a = await create("app");
      await sql(a, "app", "CREATE TABLE items (id int PRIMARY KEY)");
      await sql(a, "app", `INSERT INTO items SELECT g FROM generate_series(1, ${N}) g`);
      await sleep(1100);
      const t = new Date().toISOString();
      await sleep(1100);
      await sql(a, "app", `INSERT INTO items SELECT g FROM generate_series(${N + 1}, ${N + 500}) g`);
      await create("later");

      // The look at T: the streaming standby's agent, one look at a time.
      const started = performance.now();
      const requested = await ctx.cp.request("POST", `/v1/pairs/${pairId}/point-in-time`, { time: t });
      expect(requested.status).toBe(202);
      const queued = (requested.body as { look: PointInTimeLook }).look;
      expect([queued.nodeName, queued.onStandby, queued.time, queued.state]).toEqual([
        "n2",
        true,
        t,
        "running",
      ]);
      const second = await ctx.cp.request("POST", `/v1/pairs/${pairId}/point-in-time`, {});
      expect([second.status, (second.body as { error: { code: string } }).error.code]).toEqual([
        409,
        "look_in_progress",
      ]);
      const look = await waitFor(
        "the look at T",
        async () => {
          const got = (await ctx.cp.request("GET", `/v1/pairs/${pairId}/point-in-time/${queued.id}`))
            .body as {
            look: PointInTimeLook;
          };
          return got.look.state === "running" ? undefined : got.look;
        },
        300_000,
        1000,
      );
      process.stdout.write(
        `look at T through the standby's agent: ${((performance.now() - started) / 1000).toFixed(1)} s (on the node ${look.durationMs} ms)\n`,
      );
      expect([look.state, look.reason]).toEqual(["done", null]);
      // Every connectable database at T, sorted: A, not B (created after T); template0 allows no connections.
      expect(look.databases?.map((d) => d.name)).toEqual(["app", "postgres", "repmgr", "template1"]);
      expect(look.databaseCount).toBe(4);
      const app = look.databases?.find((d) => d.name === "app");
      // Exact: ANALYZE in the scratch instance reads a table this small whole.
      expect([app?.owner, app?.rowEstimate]).toEqual([a.username, N]);
      expect(app?.sizeBytes).toBeGreaterThan(1_000_000);
      expect(look.durationMs).toBeGreaterThan(0);

      const events = (await ctx.cp.request("GET", `/v1/pairs/${pairId}/events`)).body as {
        events: Array<{ type: string; nodeName: string; durationMs: number | null }>;
      };
      const described = events.events.filter((e) => e.type.startsWith("point_in_time"));
      expect(described.map((e) => [e.type, e.nodeName])).toEqual([["point_in_time_described", "n2"]]);
      expect(described[0]?.durationMs).toBeGreaterThan(0);

      // Bad targets: a 4xx naming the restorable range, nothing queued.
      const from = (await backups()).inventory?.restorableFrom as string;
      const bad = [
        [
          { time: new Date(Date.parse(from) - 3_600_000).toISOString() },
          400,
          "restore_time_before_oldest_backup",
        ],
        [{ time: new Date(Date.now() + 3_600_000).toISOString() }, 400, "restore_time_in_future"],
        [{ backup: "20010101-000000F" }, 404, "unknown_backup"],
      ] as const;
      for (const [target, status, code] of bad) {
        const reply = await ctx.cp.request("POST", `/v1/pairs/${pairId}/point-in-time`, target);
        const error = (
          reply.body as { error: { code: string; message: string; details: { restorableFrom: string } } }
        ).error;
        expect([reply.status, error.code, error.details.restorableFrom]).toEqual([status, code, from]);
        expect(error.message).toContain(`restorable from ${from}`);
      }

      // Nothing of the scratch instance is left on either node.
      for (const node of ["n1", "n2"]) {
        const scratchRoot = `${memberLayout(ctx.spec, node).stateDir}/restore`;
        const left = await withSsh(lab.host(node).ssh, (s) =>
          s.runChecked(`ls -A ${scratchRoot} 2>/dev/null || true`, { step: "scratch-left" }),
        );
        expect([node, left.stdout]).toEqual([node, ""]);
      }
    } catch (error) {
      await dumpLogs(ctx.spec);
      throw error;
    }
  }, 600_000);
});
