// Failover benchmark on a real pair in namespace hosts (root on Linux):
//   tsx --conditions=pgaas-source bench/failover.ts [--kills 3] [--vanishes 3]
// Measures bootstrap (hosts ready → VIP accepts writes), kill -9 failover (kill → a write acknowledged
// through the VIP), host-vanished failover, rejoin (command → synchronous streaming again), degrade
// (standby vanishes → a commit returns on the primary) and acknowledged rows lost. Prints a table and,
// last, one machine-readable RESULT line.
import { parseArgs } from "node:util";
import { describeError } from "@pgaas/common";
import {
  bootstrapPair,
  generatePairSecrets,
  type PairHosts,
  type PairSpec,
  pairStatus,
  rejoin,
  teardownPair,
} from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { isolateHost, restoreHost } from "@pgaas/engine/testing";
import {
  adminTarget,
  claimFreshLab,
  ensureDrillDatabase,
  killPostmaster,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  serverRole,
  startWriter,
  verifyAcknowledged,
  waitFor,
} from "@pgaas/testing";

const { values } = parseArgs({
  options: { kills: { type: "string", default: "3" }, vanishes: { type: "string", default: "3" } },
});
const KILLS = Number(values.kills);
const VANISHES = Number(values.vanishes);

interface Context {
  readonly lab: LocalLab;
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
  readonly secrets: ReturnType<typeof generatePairSecrets>;
}

const seconds = (ms: number) => Math.round(ms / 10) / 100;
const other = (node: string) => (node === "n1" ? "n2" : "n1");
const log = (line: string) => process.stderr.write(`${line}\n`);

async function healthyPrimary(ctx: Context, timeoutMs = 90_000): Promise<string> {
  return waitFor(
    "a synchronous pair",
    async () => {
      const status = await pairStatus(ctx.spec, ctx.hosts);
      const standby = status.nodes.find((node) => node.role === "standby");
      const ok =
        status.primary !== null &&
        status.replication === "synchronous" &&
        status.vipHolders.length === 1 &&
        status.vipHolders[0] === status.primary &&
        Boolean(standby?.syncState);
      return ok ? status.primary : undefined;
    },
    timeoutMs,
    300,
  );
}

/** A fault under the writer: returns seconds from the fault to the first acknowledged write, and rows lost. */
async function failoverDrill(
  ctx: Context,
  table: string,
  fault: (primary: string) => Promise<void>,
  afterFault: (primary: string) => Promise<void>,
): Promise<{ seconds: number; lost: number; acked: number; oldPrimary: string }> {
  const primary = await healthyPrimary(ctx);
  const vip = adminTarget(ctx.spec, ctx.secrets, ctx.spec.endpoint.address);
  const writer = await startWriter({ ...vip, table, maxDurationMs: 120_000 });
  await writer.firstAckAfter(Date.now(), 10_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const faultAt = Date.now();
  await fault(primary);
  // Acks that arrive while the fault is still being injected were served by the old primary.
  const resumedAt = await writer.firstAckAfter(Date.now(), 90_000);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const report = await writer.stop();
  await afterFault(primary);
  const check = await verifyAcknowledged(
    report,
    adminTarget(ctx.spec, ctx.secrets, ctx.lab.host(other(primary)).address),
  );
  return {
    seconds: seconds(resumedAt - faultAt),
    lost: check.missing.length,
    acked: check.ackedCount,
    oldPrimary: primary,
  };
}

/**
 * Seconds from `rejoin` to a synchronous pair again, or null when that did not happen within its
 * bounds: then the pair is bootstrapped afresh so the remaining drills still run (and the failure shows).
 */
async function timedRejoin(ctx: Context, node: string): Promise<number | null> {
  const started = Date.now();
  try {
    await rejoin(ctx.spec, ctx.hosts, ctx.secrets, node);
    await healthyPrimary(ctx, 60_000);
    return seconds(Date.now() - started);
  } catch (error) {
    log(
      `rejoin ${node} failed after ${seconds(Date.now() - started)} s: ${describeError(error)}; fresh bootstrap`,
    );
    await teardownPair(ctx.spec, ctx.hosts, { postgresSshPublicKey: ctx.secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    await bootstrapPair(ctx.spec, ctx.hosts, { secrets: ctx.secrets });
    await ensureDrillDatabase(adminTarget(ctx.spec, ctx.secrets, ctx.spec.endpoint.address));
    return null;
  }
}

/** The standby's host vanishes under the writer: seconds until a commit returns on the primary. */
async function degradeDrill(ctx: Context): Promise<number> {
  const primary = await healthyPrimary(ctx);
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
  await healthyPrimary(ctx);
  return seconds(released - lostAt);
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

async function main(): Promise<void> {
  const { lab, release } = await claimFreshLab(
    { prefix: "pgd", first: "10.231.20.0/24", count: 10 },
    LAB_HOSTS,
  );
  const secrets = generatePairSecrets("bench");
  // Pair paths live on the filesystem all lab hosts share: a name per lab keeps concurrent runs apart.
  const ctx: Context = {
    lab,
    spec: labPairSpec(lab, `bench-${lab.prefix}`),
    hosts: labPairHosts(lab),
    secrets,
  };
  const cleanup = async () => {
    for (const node of ["n1", "n2"]) await restoreHost(lab, node).catch(() => undefined);
    await teardownPair(ctx.spec, ctx.hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    await release();
  };
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  try {
    await teardownPair(ctx.spec, ctx.hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    // bootstrapPair returns once a write through the endpoint succeeded (hosts ready → VIP accepts writes).
    const bootStart = Date.now();
    await bootstrapPair(ctx.spec, ctx.hosts, { secrets });
    const bootstrap = seconds(Date.now() - bootStart);
    const vipAdmin = adminTarget(ctx.spec, secrets, ctx.spec.endpoint.address);
    if ((await serverRole({ ...vipAdmin, database: "postgres" })) !== "primary") {
      throw new Error("after bootstrap the VIP does not lead to a primary");
    }
    log(`bootstrap ${bootstrap} s`);
    await ensureDrillDatabase(vipAdmin);

    const kills: number[] = [];
    const rejoins: (number | null)[] = [];
    let lost = 0;
    let acked = 0;
    for (let round = 1; round <= KILLS; round += 1) {
      const result = await failoverDrill(
        ctx,
        `bench_kill_${round}`,
        async (primary) => void (await killPostmaster(lab, ctx.spec, primary)),
        async () => undefined,
      );
      kills.push(result.seconds);
      lost += result.lost;
      acked += result.acked;
      rejoins.push(await timedRejoin(ctx, result.oldPrimary));
      log(
        `kill #${round}: ${result.seconds} s, ${result.lost} of ${result.acked} acked rows lost, rejoin ${rejoins.at(-1) ?? "FAILED"} s`,
      );
    }
    const vanishes: number[] = [];
    for (let round = 1; round <= VANISHES; round += 1) {
      const result = await failoverDrill(
        ctx,
        `bench_vanish_${round}`,
        (primary) => isolateHost(lab, primary),
        (primary) => restoreHost(lab, primary),
      );
      vanishes.push(result.seconds);
      lost += result.lost;
      acked += result.acked;
      rejoins.push(await timedRejoin(ctx, result.oldPrimary));
      log(
        `vanish #${round}: ${result.seconds} s, ${result.lost} of ${result.acked} acked rows lost, rejoin ${rejoins.at(-1) ?? "FAILED"} s`,
      );
    }
    const degrade = await degradeDrill(ctx);
    log(`degrade ${degrade} s`);

    const k = stats(kills);
    const v = stats(vanishes);
    const rejoined = rejoins.filter((value): value is number => value !== null);
    const r = stats(rejoined);
    const rows = [
      [
        "bootstrap (hosts ready → VIP accepts writes)",
        "1",
        `${bootstrap}`,
        `${bootstrap}`,
        `${bootstrap}`,
        "≤ 20 s",
      ],
      [
        "kill -9 primary → write acked via VIP",
        `${kills.length}`,
        `${k.min}`,
        `${k.median}`,
        `${k.max}`,
        "median ≤ 4 s, max ≤ 6 s",
      ],
      [
        "primary host vanishes → write acked via VIP",
        `${vanishes.length}`,
        `${v.min}`,
        `${v.median}`,
        `${v.max}`,
        "median ≤ 15 s",
      ],
      [
        `rejoin → synchronous standby again (${rejoins.length - rejoined.length} of ${rejoins.length} failed)`,
        `${rejoined.length}`,
        `${r.min}`,
        `${r.median}`,
        `${r.max}`,
        "",
      ],
      [
        "standby vanishes → commit released (degrade)",
        "1",
        `${degrade}`,
        `${degrade}`,
        `${degrade}`,
        "≈ 5 s",
      ],
      ["acknowledged rows lost", "", "", `${lost} of ${acked}`, "", "0"],
    ];
    const header = ["measure (seconds)", "n", "min", "median", "max", "target"];
    const widths = header.map((title, column) =>
      Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
    );
    const line = (cells: readonly string[]) =>
      `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
    process.stdout.write(`${line(header)}\n${line(widths.map((width) => "-".repeat(width)))}\n`);
    for (const row of rows) process.stdout.write(`${line(row)}\n`);
    process.stdout.write(
      `RESULT bootstrap_s=${bootstrap} failover_median_s=${k.median} failover_max_s=${k.max} vanish_median_s=${v.median} rows_lost=${lost} rejoin_s=${r.median} degrade_s=${degrade}\n`,
    );
  } catch (error) {
    log(`bench:failover failed: ${describeError(error)}`);
    throw error;
  } finally {
    await cleanup().catch((error: unknown) => log(`cleanup failed: ${describeError(error)}`));
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:failover failed: ${describeError(error)}\n`);
    process.exit(1);
  },
);
