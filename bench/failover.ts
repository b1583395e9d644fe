// Failover benchmark on a real pair in namespace hosts (root on Linux), deployed as users get it: agents
// from the shipped artefact reporting to the real control plane, automatic rejoin on.
//   npm run bench:failover [-- --kills 3 --vanishes 3 --save-logs]
// Measures bootstrap (hosts ready → VIP accepts writes), kill -9 failover (kill → a write acknowledged
// through the VIP), host-vanished failover, automatic healing (fault → synchronous standby again with no
// human), degrade (standby vanishes → a commit returns on the primary), the TLS handshake and acknowledged
// rows lost. Prints a table and, last, one machine-readable RESULT line.
import { parseArgs } from "node:util";
import { describeError } from "@pgaas/common";
import { rejoin, teardownPair } from "@pgaas/engine";
import { isolateHost, restoreHost } from "@pgaas/engine/testing";
import {
  adminTarget,
  ensureDrillDatabase,
  fullConnectMs,
  killPostmaster,
  LAB_HOSTS,
  printResult,
  printTable,
  saveLogs,
  serverRole,
  startWriter,
  tlsHandshakeMs,
  verifyAcknowledged,
  waitFor,
} from "@pgaas/testing";
import {
  type BenchPair,
  deployAgentPair,
  protectedPrimary,
  runBenchPair,
} from "@pgaas/testing/control-plane";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "3" },
    vanishes: { type: "string", default: "3" },
    // Keep the pair's logs (repmgrd, keepalived, agents, PostgreSQL) also when every drill passed.
    "save-logs": { type: "boolean", default: false },
  },
});
const KILLS = Number(values.kills);
const VANISHES = Number(values.vanishes);
/** The agents must bring the pair back within this; past it the bench rejoins by hand and counts it. */
const HEAL_TIMEOUT_MS = 120_000;
/** The probe's connect timeout: short, so the measure is the endpoint's, not a SYN retransmission's. */
const PROBE_CONNECT_TIMEOUT_MS = 500;
/**
 * The probe's read timeout: a write in flight when the primary's host vanished is abandoned after this
 * and retried on a new connection. The writer's default (12 s) measured the client: with it, host loss
 * read ~12.2 s while the VIP accepted writes again after ~7.5 s.
 */
const PROBE_QUERY_TIMEOUT_MS = 1000;
const TLS_SAMPLES = 20;

interface Context extends BenchPair {
  readonly pairId: string;
}

/**
 * What brought writes back after a fault: the standby's promotion, or the same node's PostgreSQL started
 * again in place. The issue insists the benchmark says which; today every kill is a failover.
 */
type Recovery = "failover" | "restart in place";

interface DrillResult {
  readonly seconds: number;
  readonly recovery: Recovery;
  /** Fault → fully protected again, brought back by the agents; null when they did not within bounds. */
  readonly healSeconds: number | null;
  readonly lost: number;
  readonly acked: number;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const other = (node: string) => (node === "n1" ? "n2" : "n1");
const log = (line: string) => process.stderr.write(`${line}\n`);

function protectedPair(ctx: Context, timeoutMs = 180_000): Promise<string> {
  return waitFor(
    "a protected pair",
    () => protectedPrimary(ctx.spec, ctx.hosts, ctx.cp, ctx.pairId),
    timeoutMs,
    200,
  );
}

/**
 * A fault under the writer: seconds from the fault to the first acknowledged write, then to a fully
 * protected pair again with no human (when the agents do not manage within bounds, the bench rejoins
 * by hand so the remaining drills run, and the miss shows), and rows lost.
 */
async function failoverDrill(
  ctx: Context,
  table: string,
  fault: (primary: string) => Promise<void>,
  afterFault: (primary: string) => Promise<void>,
): Promise<DrillResult> {
  const primary = await protectedPair(ctx);
  const vip = adminTarget(ctx.spec, ctx.secrets, ctx.spec.endpoint.address);
  const writer = await startWriter({
    ...vip,
    table,
    maxDurationMs: 120_000,
    connectTimeoutMs: PROBE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: PROBE_QUERY_TIMEOUT_MS,
  });
  await writer.firstAckAfter(Date.now(), 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const faultAt = Date.now();
  await fault(primary);
  // Acks that arrive while the fault is still being injected were served by the old primary.
  const resumedAt = await writer.firstAckAfter(Date.now(), 90_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const report = await writer.stop();
  await afterFault(primary);
  let healSeconds: number | null = null;
  let primaryAfter: string | undefined;
  try {
    primaryAfter = await protectedPair(ctx, HEAL_TIMEOUT_MS);
    healSeconds = seconds(Date.now() - faultAt);
  } catch (error) {
    log(
      `${primary} not healed by its agent within ${HEAL_TIMEOUT_MS / 1000} s: ${describeError(error)}; rejoin by hand`,
    );
    await rejoin(ctx.spec, ctx.hosts, ctx.secrets, primary);
    primaryAfter = await protectedPair(ctx);
  }
  const check = await verifyAcknowledged(
    report,
    adminTarget(ctx.spec, ctx.secrets, ctx.lab.host(primaryAfter).address),
  );
  return {
    seconds: seconds(resumedAt - faultAt),
    recovery: primaryAfter === primary ? "restart in place" : "failover",
    healSeconds,
    lost: check.missing.length,
    acked: check.ackedCount,
  };
}

/** The standby's host vanishes under the writer: seconds until a commit returns on the primary. */
async function degradeDrill(ctx: Context): Promise<number> {
  const primary = await protectedPair(ctx);
  const standby = other(primary);
  const writer = await startWriter({
    ...adminTarget(ctx.spec, ctx.secrets, ctx.spec.endpoint.address),
    table: "bench_degrade",
  });
  await writer.firstAckAfter(Date.now(), 10_000);
  const lostAt = Date.now();
  await isolateHost(ctx.lab, standby);
  let released: number;
  try {
    // Only commits acknowledged once the standby is gone show the degrade.
    released = await writer.firstAckAfter(Date.now(), 60_000);
  } finally {
    await writer.stop();
    await restoreHost(ctx.lab, standby);
  }
  await protectedPair(ctx);
  return seconds(released - lostAt);
}

/** Median milliseconds of the TLS handshake alone and of a whole connect, through the endpoint. */
async function tlsCost(ctx: Context): Promise<{ handshakeMs: number; connectMs: number }> {
  const target = adminTarget(ctx.spec, ctx.secrets, ctx.spec.endpoint.address);
  const handshakes: number[] = [];
  const connects: number[] = [];
  for (let sample = 0; sample < TLS_SAMPLES; sample += 1) {
    handshakes.push(await tlsHandshakeMs(target));
    connects.push(await fullConnectMs(target));
  }
  const round = (value: number) => Math.round(value * 10) / 10;
  return { handshakeMs: round(stats(handshakes).median), connectMs: round(stats(connects).median) };
}

function stats(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const median =
    sorted.length % 2 === 1
      ? (sorted[(sorted.length - 1) / 2] as number)
      : ((sorted[sorted.length / 2 - 1] as number) + (sorted[sorted.length / 2] as number)) / 2;
  return {
    min: sorted[0] ?? Number.NaN,
    median: Math.round(median * 100) / 100,
    max: sorted.at(-1) ?? Number.NaN,
  };
}

function statsRow(measure: string, values: readonly number[], target: string): string[] {
  if (values.length === 0) return [measure, "0", "", "", "", target];
  const s = stats(values);
  return [measure, `${values.length}`, `${s.min}`, `${s.median}`, `${s.max}`, target];
}

runBenchPair(
  {
    bench: "failover",
    range: { prefix: "pgd", first: "10.231.20.0/24", count: 10 },
    labHosts: LAB_HOSTS,
    pairName: (labPrefix) => `bench-${labPrefix}`,
    saveLogsOnFailure: true,
    // A drill that failed may leave a node isolated.
    beforeTeardown: async (lab) => {
      for (const node of ["n1", "n2"]) await restoreHost(lab, node).catch(() => undefined);
    },
  },
  async ({ lab, cp, secrets, spec, hosts }) => {
    await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    // Bootstrap returns once a write through the endpoint succeeded (hosts ready → VIP accepts writes).
    const bootStart = Date.now();
    const { pairId } = await deployAgentPair(cp, spec, hosts, secrets);
    const bootstrap = seconds(Date.now() - bootStart);
    const ctx: Context = { lab, spec, hosts, secrets, cp, pairId };
    const vipAdmin = adminTarget(spec, secrets, spec.endpoint.address);
    if ((await serverRole({ ...vipAdmin, database: "postgres" })) !== "primary") {
      throw new Error("after bootstrap the VIP does not lead to a primary");
    }
    log(`bootstrap ${bootstrap} s`);
    await ensureDrillDatabase(vipAdmin);
    const tls = await tlsCost(ctx);
    log(`TLS handshake ${tls.handshakeMs} ms, whole connect ${tls.connectMs} ms (medians of ${TLS_SAMPLES})`);

    const drills: { kind: "kill" | "vanish"; result: DrillResult }[] = [];
    const plan = [
      ...Array.from({ length: KILLS }, () => "kill" as const),
      ...Array.from({ length: VANISHES }, () => "vanish" as const),
    ];
    for (const [index, kind] of plan.entries()) {
      const result =
        kind === "kill"
          ? await failoverDrill(
              ctx,
              `bench_kill_${index + 1}`,
              async (primary) => void (await killPostmaster(lab, spec, primary)),
              async () => undefined,
            )
          : await failoverDrill(
              ctx,
              `bench_vanish_${index + 1}`,
              (primary) => isolateHost(lab, primary),
              (primary) => restoreHost(lab, primary),
            );
      drills.push({ kind, result });
      log(
        `${kind} #${index + 1}: writes back after ${result.seconds} s by ${result.recovery}, protected again after ${result.healSeconds ?? "NOT HEALED"} s, ${result.lost} of ${result.acked} acked rows lost`,
      );
    }
    const degrade = await degradeDrill(ctx);
    log(`degrade ${degrade} s`);

    const of = (kind: "kill" | "vanish") => drills.filter((d) => d.kind === kind).map((d) => d.result);
    const healed = (results: readonly DrillResult[]) =>
      results.map((r) => r.healSeconds).filter((value): value is number => value !== null);
    const kills = of("kill");
    const vanishes = of("vanish");
    const heals = healed([...kills, ...vanishes]);
    const unhealed = drills.length - heals.length;
    const lost = drills.reduce((sum, d) => sum + d.result.lost, 0);
    const acked = drills.reduce((sum, d) => sum + d.result.acked, 0);
    const k = stats(kills.map((r) => r.seconds));
    const v = stats(vanishes.map((r) => r.seconds));
    const h = stats(heals);
    const rows = [
      [
        "bootstrap with agents (hosts ready → VIP accepts writes)",
        "1",
        `${bootstrap}`,
        `${bootstrap}`,
        `${bootstrap}`,
        "≤ 20",
      ],
      ...(["failover", "restart in place"] as const).map((recovery) =>
        statsRow(
          `kill -9 primary → write acked via VIP, by ${recovery}`,
          kills.filter((r) => r.recovery === recovery).map((r) => r.seconds),
          "",
        ),
      ),
      statsRow(
        "kill -9 primary → write acked via VIP, all",
        kills.map((r) => r.seconds),
        "median ≤ 3.0, max ≤ 4",
      ),
      statsRow(
        "primary host vanishes → write acked via VIP",
        vanishes.map((r) => r.seconds),
        "median ≤ 10",
      ),
      statsRow("kill -9 → synchronous standby again, no human", healed(kills), "median ≤ 15"),
      statsRow("host vanishes (returns after failover) → synchronous again", healed(vanishes), ""),
      [
        `not healed by the agents within ${HEAL_TIMEOUT_MS / 1000} s`,
        "",
        "",
        `${unhealed} of ${drills.length}`,
        "",
        "0",
      ],
      ["standby vanishes → commit released (degrade)", "1", `${degrade}`, `${degrade}`, `${degrade}`, "≤ 5"],
      ["TLS handshake via VIP (ms, verify-full)", `${TLS_SAMPLES}`, "", `${tls.handshakeMs}`, "", ""],
      ["whole connect via VIP (ms, TCP + TLS + SCRAM)", `${TLS_SAMPLES}`, "", `${tls.connectMs}`, "", ""],
      ["acknowledged rows lost", "", "", `${lost} of ${acked}`, "", "0"],
    ];
    printTable(["measure (seconds)", "n", "min", "median", "max", "target"], rows);
    if (values["save-logs"]) log(`logs saved in ${await saveLogs(spec, `bench-failover-${Date.now()}`)}`);
    printResult({
      bootstrap_s: bootstrap,
      failover_median_s: k.median,
      failover_max_s: k.max,
      vanish_median_s: v.median,
      rows_lost: lost,
      auto_heal_median_s: h.median,
      unhealed,
      kill_restarts_in_place: kills.filter((r) => r.recovery === "restart in place").length,
      degrade_s: degrade,
      tls_handshake_ms: tls.handshakeMs,
    });
  },
);
