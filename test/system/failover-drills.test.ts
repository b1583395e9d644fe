// Failover drills on a real pair (n1, n2, witness w) in namespace hosts, under a bounded writer that
// inserts through the VIP every 100 ms: (a) kill -9 of the primary's postmaster, (b) the primary host
// vanishes, comes back fenced, is rejoined and switched back, (c) n1↔n2 partition for 30 s with both
// still seeing the witness. Each drill prints its timeline. Needs root (network namespaces).

import {
  bootstrapPair,
  generatePairSecrets,
  type PairSpec,
  pairStatus,
  rejoin,
  switchover,
  teardownPair,
} from "@pgaas/engine";
import { heal, isolateHost, partition, restoreHost } from "@pgaas/engine/testing";
import {
  adminTarget,
  connectOutcome,
  ensureDrillDatabase,
  killPostmaster,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  type RoleWatch,
  saveLogs,
  serverRole,
  startWriter,
  Timeline,
  tryWrite,
  verifyAcknowledged,
  vipHolders,
  type WriterReport,
  waitFor,
  watchFromInside,
  watchRoles,
  watchVip,
  withLab,
} from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "pgd", first: "10.231.20.0/24", count: 10 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("drill");
let spec: PairSpec;

const hosts = () => labPairHosts(fixture.lab);
const address = (node: string) => fixture.lab.host(node).address;
const vip = () => spec.endpoint.address;
const admin = (host: string) => adminTarget(spec, secrets, host);
const other = (node: string) => (node === "n1" ? "n2" : "n1");

/** Healthy = one primary holding the VIP, the other streaming synchronously. */
async function waitUntilHealthy(timeline: Timeline, timeoutMs = 60_000): Promise<string> {
  const primary = await waitFor(
    "a synchronous pair",
    async () => {
      const status = await pairStatus(spec, hosts());
      const standby = status.nodes.find((node) => node.role === "standby");
      const healthy =
        status.primary !== null &&
        status.replication === "synchronous" &&
        status.vipHolders.length === 1 &&
        status.vipHolders[0] === status.primary &&
        standby?.syncState !== null &&
        standby?.syncState !== undefined;
      return healthy ? status.primary : undefined;
    },
    timeoutMs,
    500,
  );
  timeline.mark(`healthy: primary ${primary}, standby ${other(primary)} streaming synchronously`);
  return primary;
}

/** Puts the writer's story on the timeline: first failure, each outage, totals. */
function markWriter(timeline: Timeline, report: WriterReport): void {
  const firstFailure = report.attempts.find((attempt) => attempt.outcome !== "acked");
  if (firstFailure)
    timeline.mark(
      `writer: first ${firstFailure.outcome} insert (${firstFailure.error ?? ""})`,
      firstFailure.startedAt,
    );
  for (const outage of report.outages) {
    timeline.mark(
      `writer: no ack for ${(outage.durationMs / 1000).toFixed(2)} s from here`,
      outage.lastAckAt,
    );
  }
  timeline.mark(
    `writer stopped: ${report.acked.length} acked, ${report.failed} failed, ${report.unconfirmed} unconfirmed`,
  );
}

async function freshPair(): Promise<void> {
  await teardownPair(spec, hosts(), { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
    () => undefined,
  );
  await bootstrapPair(spec, hosts(), { secrets });
  await ensureDrillDatabase(admin(vip()));
}

/**
 * Starts each drill from a healthy pair even when an earlier drill failed halfway (e.g. a rejoin that
 * did not work): a fresh bootstrap, so every drill tests its own fault.
 */
async function ensureHealthy(timeline: Timeline): Promise<string> {
  const primary = await waitUntilHealthy(timeline, 5_000).catch(() => undefined);
  if (primary) return primary;
  timeline.mark("pair not healthy: fresh bootstrap");
  await freshPair();
  return waitUntilHealthy(timeline);
}

interface DrillContext {
  readonly timeline: Timeline;
  readonly roles: RoleWatch;
  /** Runs when the drill ends, passed or failed (stop writers and watchers). */
  defer(cleanup: () => Promise<unknown>): void;
}

async function drill<T>(name: string, body: (context: DrillContext) => Promise<T>): Promise<T> {
  const timeline = new Timeline();
  const roles = watchRoles(
    timeline,
    ["n1", "n2"].map((node) => ({ name: node, target: admin(address(node)) })),
  );
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    return await body({ timeline, roles, defer: (cleanup) => cleanups.push(cleanup) });
  } catch (error) {
    const saved = await saveLogs(spec, `drills/${name.split(":")[0]?.replaceAll(" ", "-")}-${Date.now()}`);
    process.stdout.write(`\n${name} FAILED; logs in ${saved}; timeline:\n${timeline.format()}\n`);
    throw error;
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // Whatever happened, the next drill starts with every link up and no partition.
    for (const node of ["n1", "n2"]) await restoreHost(fixture.lab, node);
    await heal(fixture.lab, "n1", "n2");
    await roles.stop();
    process.stdout.write(`\n== ${name}\n${timeline.format()}\n`);
  }
}

beforeAll(async () => {
  // Pair paths live on the filesystem all lab hosts share: a name per lab keeps concurrent runs apart.
  spec = labPairSpec(fixture.lab, `drill-${fixture.lab.prefix}`);
  await freshPair();
}, 240_000);

afterAll(async () => {
  if (!spec) return;
  for (const node of ["n1", "n2"]) await restoreHost(fixture.lab, node).catch(() => undefined);
  await heal(fixture.lab, "n1", "n2").catch(() => undefined);
  await teardownPair(spec, hosts(), { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
    () => undefined,
  );
}, 120_000);

describe("failover drills", () => {
  it("(a) kill -9 of the primary's postmaster: VIP held (refusing) until the standby is promoted, then moves; writes resume, 0 acked rows lost", async () => {
    await drill("drill a: kill -9 postmaster", async ({ timeline, defer }) => {
      const primary = await ensureHealthy(timeline);
      const standby = other(primary);
      const writer = await startWriter({ ...admin(vip()), table: "drill_a", maxDurationMs: 90_000 });
      defer(() => writer.stop());
      await writer.firstAckAfter(Date.now(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const pid = await killPostmaster(fixture.lab, spec, primary);
      const killedAt = timeline.mark(`kill -9 ${primary} postmaster (pid ${pid})`);
      // Held: until the standby is promoted (≥ 2 s of repmgr's reconnect attempts), the VIP stays on the
      // killed primary, so a client is refused at once instead of its SYN vanishing.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await vipHolders(fixture.lab, ["n1", "n2"], vip())).toEqual([primary]);
      expect(await connectOutcome(vip(), spec.postgres.port, 1000)).toBe("refused");
      timeline.mark(`VIP held by ${primary}: a connect is refused`);
      const resumedAt = timeline.mark(
        "first acknowledged write through the VIP",
        await writer.firstAckAfter(killedAt, 60_000),
      );
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const report = await writer.stop();
      markWriter(timeline, report);
      process.stdout.write(`kill → writes accepted: ${((resumedAt - killedAt) / 1000).toFixed(2)} s\n`);

      expect(await serverRole(admin(address(standby)))).toBe("primary");
      expect(await vipHolders(fixture.lab, ["n1", "n2"], vip())).toEqual([standby]);
      expect(await verifyAcknowledged(report, admin(address(standby)))).toMatchObject({ missing: [] });

      const rejoined = await rejoin(spec, hosts(), secrets, primary);
      timeline.mark(`rejoin ${primary}: ${(rejoined.durationMs / 1000).toFixed(1)} s ${rejoined.detail}`);
      expect(await waitUntilHealthy(timeline)).toBe(standby);
    });
  }, 240_000);

  it("(b) the primary host vanishes: failover; back, it never takes writes or the VIP until rejoined; then switch back", async () => {
    await drill("drill b: primary host vanishes", async ({ timeline, roles, defer }) => {
      const primary = await ensureHealthy(timeline);
      const standby = other(primary);
      const writer = await startWriter({ ...admin(vip()), table: "drill_b", maxDurationMs: 150_000 });
      defer(() => writer.stop());
      await writer.firstAckAfter(Date.now(), 10_000);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const inside = watchFromInside(timeline, fixture.lab, spec, primary);
      defer(() => inside.stop());
      const isolatedAt = timeline.mark(`isolate ${primary}`);
      await isolateHost(fixture.lab, primary);
      // Acks that arrive while the link is being taken down were served by the old primary: count
      // only those after it is gone, and measure from the start of the fault.
      const resumedAt = timeline.mark(
        "first acknowledged write through the VIP",
        await writer.firstAckAfter(Date.now(), 90_000),
      );
      process.stdout.write(
        `host vanished → writes accepted: ${((resumedAt - isolatedAt) / 1000).toFixed(2)} s\n`,
      );
      expect(await serverRole(admin(address(standby)))).toBe("primary");
      // No moment with two writable primaries: the isolated one stopped taking writes (fenced)
      // before its standby was promoted.
      await inside.stop();
      const fencedAt = inside
        .changes()
        .find((change) => change.at > isolatedAt && change.role !== "primary")?.at;
      const promotedAt = roles
        .changes()
        .find((change) => change.at > isolatedAt && change.node === standby && change.role === "primary")?.at;
      expect(fencedAt).toBeDefined();
      expect(promotedAt).toBeDefined();
      expect(fencedAt as number).toBeLessThan(promotedAt as number);

      const watch = watchVip(fixture.lab, ["n1", "n2"], vip(), { maxDurationMs: 60_000 });
      defer(() => watch.stop());
      await restoreHost(fixture.lab, primary);
      timeline.mark(`restore ${primary}`);
      const probes: string[] = [];
      for (let round = 0; round < 10; round += 1) {
        probes.push(await tryWrite(admin(address(primary)), "drill_b_direct"));
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      const samples = await watch.stop();
      const report = await writer.stop();
      markWriter(timeline, report);
      expect(probes.filter((probe) => probe === "accepted")).toEqual([]);
      expect(samples.filter((sample) => sample.holders.includes(primary))).toEqual([]);
      expect(samples.length).toBeGreaterThan(20);
      expect(await vipHolders(fixture.lab, ["n1", "n2"], vip())).toEqual([standby]);
      expect(await verifyAcknowledged(report, admin(address(standby)))).toMatchObject({ missing: [] });

      const rejoined = await rejoin(spec, hosts(), secrets, primary);
      timeline.mark(`rejoin ${primary}: ${(rejoined.durationMs / 1000).toFixed(1)} s ${rejoined.detail}`);
      expect(await waitUntilHealthy(timeline)).toBe(standby);
      const switched = await switchover(spec, hosts(), secrets);
      timeline.mark(
        `switchover ${switched.oldPrimary} → ${switched.newPrimary}: ${(switched.durationMs / 1000).toFixed(1)} s`,
      );
      expect(await waitUntilHealthy(timeline)).toBe(primary);
    });
  }, 360_000);

  it("(c) n1↔n2 partition for 30 s: no promotion, never two VIP holders, 0 acked rows lost, sync again after heal", async () => {
    await drill("drill c: partition n1↔n2", async ({ timeline, roles, defer }) => {
      const primary = await ensureHealthy(timeline);
      const before = await pairStatus(spec, hosts());
      const timelineBefore = before.nodes.find((node) => node.name === primary)?.timeline;
      const writer = await startWriter({ ...admin(vip()), table: "drill_c", maxDurationMs: 120_000 });
      defer(() => writer.stop());
      await writer.firstAckAfter(Date.now(), 10_000);
      const watch = watchVip(fixture.lab, ["n1", "n2"], vip(), { maxDurationMs: 90_000 });
      defer(() => watch.stop());
      await partition(fixture.lab, "n1", "n2");
      const partitionedAt = timeline.mark("partition n1↔n2");
      await new Promise((resolve) => setTimeout(resolve, 30_000));
      await heal(fixture.lab, "n1", "n2");
      timeline.mark("heal");
      expect(await waitUntilHealthy(timeline, 90_000)).toBe(primary);
      const samples = await watch.stop();
      const report = await writer.stop();
      markWriter(timeline, report);

      expect(samples.filter((sample) => sample.holders.length > 1)).toEqual([]);
      expect(samples.length).toBeGreaterThan(100);
      const standby = other(primary);
      expect(
        roles
          .changes()
          .filter(
            (change) => change.at > partitionedAt && change.node === standby && change.role === "primary",
          ),
      ).toEqual([]);
      const after = await pairStatus(spec, hosts());
      expect(after.primary).toBe(primary);
      expect(after.nodes.find((node) => node.name === primary)?.timeline).toBe(timelineBefore);
      expect(await verifyAcknowledged(report, admin(address(primary)))).toMatchObject({ missing: [] });
    });
  }, 240_000);
});
