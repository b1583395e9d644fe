// Agent benchmark: RSS and CPU of the real agent process on a primary and a standby at the default
// intervals (state 2 s, metrics 15 s) for 60 s against a real PostgreSQL 15 pair (streaming standby) and
// a recording control plane; then the time from a promotion to the control plane showing the new
// primary: (a) `pg_ctl promote` of a streaming standby (the agent's part alone, 3 rounds) and (b) as
// root, kill -9 of the primary of a real pair (namespace hosts, repmgr, witness, keepalived) reporting
// to the real control plane (3 rounds; between rounds the old primary's own agent rejoins it, and the
// round ends when the pair is synchronous again). Prints tables and a machine-readable RESULT line
// (promotion_visible_s: the real pair's worst round when measured; auto_heal_max_s: its slowest heal).
// Run: npm run bench:agent   (BENCH_SECONDS=… shortens the measuring phase)
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { StateReport } from "@pgaas/common/wire";
import { generatePairSecrets, parsePairSpec, teardownPair } from "@pgaas/engine";
import {
  adminTarget,
  claimFreshLab,
  freePort,
  killPostmaster,
  LAB_HOSTS,
  type LocalPostgres,
  type LocalStandby,
  labPairHosts,
  labPairSpec,
  RecordingControlPlane,
  serverRole,
  startLocalPostgres,
  startLocalStandby,
  waitFor as waitUntil,
} from "@pgaas/testing";
import { type AgentEntry, type AgentProcess, spawnAgent, waitFor } from "@pgaas/testing/agent";
import { deployAgentPair, protectedPrimary, startControlPlaneStack } from "@pgaas/testing/control-plane";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const PROMOTION_ROUNDS = 3;
const CLOCK_TICKS_PER_SECOND = 100;
const TOKEN = "agt_bench_4Hc9sLq2Vw7x";

interface Host {
  readonly name: string;
  readonly role: string;
  readonly agent: AgentProcess;
  readonly cp: RecordingControlPlane;
}

interface Usage {
  readonly rssAvgMiB: number;
  readonly rssMaxMiB: number;
  readonly cpuPct: number;
}

const built =
  existsSync(fileURLToPath(new URL("../agent/dist/main.js", import.meta.url))) &&
  existsSync(fileURLToPath(new URL("../common/dist/index.js", import.meta.url)));
const ENTRY: AgentEntry = built ? "dist" : "source";

async function processTicks(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]); // utime + stime (fields 14 and 15 of the full line)
}

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1]) / 1024;
}

async function measure(pids: readonly number[], seconds: number): Promise<Usage[]> {
  const startTicks = await Promise.all(pids.map(processTicks));
  const rss: number[][] = pids.map(() => []);
  const started = performance.now();
  for (let second = 0; second < seconds; second += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = await Promise.all(pids.map(rssMiB));
    for (const [i, value] of now.entries()) rss[i]?.push(value);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const endTicks = await Promise.all(pids.map(processTicks));
  return pids.map((_, i) => {
    const samples = rss[i] ?? [];
    const cpuSeconds = ((endTicks[i] ?? 0) - (startTicks[i] ?? 0)) / CLOCK_TICKS_PER_SECOND;
    return {
      rssAvgMiB: samples.reduce((a, b) => a + b, 0) / samples.length,
      rssMaxMiB: Math.max(...samples),
      cpuPct: (cpuSeconds / wallSeconds) * 100,
    };
  });
}

async function startHost(
  dir: string,
  name: string,
  role: string,
  server: { socketDir: string; port: number; dataDir: string },
  user: string,
): Promise<Host> {
  const cp = new RecordingControlPlane(TOKEN);
  await cp.start();
  const tokenFile = join(dir, `${name}.token`);
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const agent = await spawnAgent(
    dir,
    {
      pairName: "bench",
      nodeName: name,
      controlPlane: { url: cp.url, tokenFile },
      postgres: { socketDir: server.socketDir, port: server.port, user, dataDir: server.dataDir },
      repmgr: { configFile: join(dir, `${name}-repmgr.conf`) },
      fenceMarkerFile: join(dir, `${name}.fenced`),
      listen: { host: "127.0.0.1", port: await freePort() },
      intervals: {},
      spool: { dir: join(dir, `${name}-spool`) },
    },
    ENTRY,
  );
  await waitFor(`${name}'s first report`, () => cp.accepted.length > 0, 30_000);
  return { name, role, agent, cp };
}

const lastRole = (host: Host) =>
  host.cp.accepted.filter((r): r is StateReport => r.kind === "state").at(-1)?.state.role;

async function promotionRound(
  dir: string,
  primary: LocalPostgres,
  round: number,
): Promise<{ issuedS: number; promotedS: number }> {
  const name = `p${round}`;
  const standby: LocalStandby = await startLocalStandby(primary, name);
  const host = await startHost(dir, name, "standby", standby, primary.user);
  try {
    await waitFor(`${name} reporting standby`, () => lastRole(host) === "standby", 10_000);
    // Promote at a random point of the state interval, as a real failure would.
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2000));
    const issued = performance.now();
    await standby.promote();
    const promoted = performance.now();
    await waitFor(`${name} reporting primary`, () => lastRole(host) === "primary", 10_000);
    const visible = performance.now();
    return { issuedS: (visible - issued) / 1000, promotedS: (visible - promoted) / 1000 };
  } finally {
    await host.agent.stop();
    await host.cp.stop();
    await standby.stop();
  }
}

function fmt(value: number, digits = 1): string {
  return value.toFixed(digits);
}
const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

interface RealRound {
  readonly killToPromotedS: number;
  readonly promotedToVisibleS: number;
  /** kill -9 → the old primary streams again as the synchronous standby, brought back by its agent. */
  readonly killToHealedS: number;
}

/** kill -9 of the primary of a real pair whose agents report to the real control plane. */
async function realPairRounds(rounds: number): Promise<RealRound[]> {
  const { lab, release } = await claimFreshLab(
    { prefix: "pga", first: "10.231.45.0/24", count: 5 },
    LAB_HOSTS,
  );
  const cp = await startControlPlaneStack(lab.hostAddress);
  // Lab hosts share one filesystem: a pair name per lab keeps parallel runs apart.
  const pairName = `agb-${lab.prefix}`;
  const secrets = generatePairSecrets(pairName);
  const spec = parsePairSpec({ ...labPairSpec(lab, pairName), agent: cp.agentTarget });
  const hosts = labPairHosts(lab);
  try {
    const { pairId } = await deployAgentPair(cp, spec, hosts, secrets);
    // Fully protected again: the same judge as the soak and bench:failover.
    const protectedPair = () =>
      waitUntil("a protected pair", () => protectedPrimary(spec, hosts, cp, pairId), 180_000, 300);
    const results: RealRound[] = [];
    let primary = await protectedPair();
    for (let round = 1; round <= rounds; round += 1) {
      const standby = primary === "n1" ? "n2" : "n1";
      const target = { ...adminTarget(spec, secrets, lab.host(standby).address), database: "postgres" };
      const killedAt = Date.now();
      await killPostmaster(lab, spec, primary);
      const promotedAt = await waitUntil(
        `${standby} promoted`,
        async () => ((await serverRole(target)) === "primary" ? Date.now() : undefined),
        60_000,
        50,
      );
      const visibleAt = await waitUntil(
        `the control plane to name ${standby}`,
        async () => ((await cp.pair(pairId)).primary === standby ? Date.now() : undefined),
        30_000,
        50,
      );
      // No rejoin from here: the old primary's agent brings it back on its own.
      primary = await protectedPair();
      const healedAt = Date.now();
      results.push({
        killToPromotedS: (promotedAt - killedAt) / 1000,
        promotedToVisibleS: (visibleAt - promotedAt) / 1000,
        killToHealedS: (healedAt - killedAt) / 1000,
      });
      process.stderr.write(
        `real pair round ${round}: promoted → visible ${fmt(results.at(-1)?.promotedToVisibleS ?? 0, 2)} s, healed after ${fmt(results.at(-1)?.killToHealedS ?? 0, 2)} s\n`,
      );
    }
    return results;
  } finally {
    await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    await cp.close();
    await release();
  }
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "pgaas-bench-agent-"));
  const primary = await startLocalPostgres("pgaas-bench-primary");
  const standby = await startLocalStandby(primary, "n2");
  const hosts: Host[] = [];
  try {
    hosts.push(await startHost(dir, "n1", "primary", primary, primary.user));
    hosts.push(await startHost(dir, "n2", "standby", standby, primary.user));
    process.stderr.write(`measuring ${hosts.length} agents (${ENTRY}) for ${SECONDS} s …\n`);
    if (ENTRY === "source") {
      process.stderr.write(
        "note: no agent/dist + common/dist build: measuring tsx (adds ~35 MB); `npm run build` first\n",
      );
    }
    const delivered = hosts.map((host) => host.cp.accepted.length);
    const usage = await measure(
      hosts.map((host) => host.agent.child.pid ?? 0),
      SECONDS,
    );

    console.log(
      `\nAgent resource use at default intervals (state 2 s, metrics 15 s), ${SECONDS} s, runtime: ${ENTRY}`,
    );
    console.log("| host | role | RSS avg (MiB) | RSS max (MiB) | CPU (% of one core) | reports in window |");
    console.log("|---|---|---|---|---|---|");
    hosts.forEach((host, i) => {
      const u = usage[i];
      if (!u) return;
      const reports = host.cp.accepted.length - (delivered[i] ?? 0);
      console.log(
        `| ${host.name} | ${host.role} | ${fmt(u.rssAvgMiB)} | ${fmt(u.rssMaxMiB)} | ${fmt(u.cpuPct, 2)} | ${reports} |`,
      );
    });

    const rounds: Array<{ issuedS: number; promotedS: number }> = [];
    for (let round = 1; round <= PROMOTION_ROUNDS; round += 1)
      rounds.push(await promotionRound(dir, primary, round));
    console.log("\nPromotion → control plane shows the new primary (pg_ctl promote on a streaming standby)");
    console.log("| round | promote issued → visible (s) | promoted → visible (s) |");
    console.log("|---|---|---|");
    for (const [i, r] of rounds.entries())
      console.log(`| ${i + 1} | ${fmt(r.issuedS, 2)} | ${fmt(r.promotedS, 2)} |`);
    const promoted = rounds.map((r) => r.promotedS);
    console.log(
      `| min / median / max | ${fmt(Math.min(...rounds.map((r) => r.issuedS)), 2)} / ${fmt(median(rounds.map((r) => r.issuedS)), 2)} / ${fmt(Math.max(...rounds.map((r) => r.issuedS)), 2)} | ${fmt(Math.min(...promoted), 2)} / ${fmt(median(promoted), 2)} / ${fmt(Math.max(...promoted), 2)} |`,
    );
    let real: RealRound[] = [];
    let realNote = "";
    if (process.getuid?.() === 0) {
      real = await realPairRounds(PROMOTION_ROUNDS).catch((error: unknown) => {
        realNote = `real pair failed: ${(error as Error).message}`;
        return [];
      });
    } else realNote = "not root: no namespace lab for a real pair";
    console.log(
      "\nReal pair: kill -9 of the primary → repmgr promotes → control plane shows the new primary",
    );
    console.log(
      "| round | kill → promoted (s) | promoted → visible (s) | kill → synchronous again, by the agent (s) |",
    );
    console.log("|---|---|---|---|");
    for (const [i, r] of real.entries()) {
      console.log(
        `| ${i + 1} | ${fmt(r.killToPromotedS, 2)} | ${fmt(r.promotedToVisibleS, 2)} | ${fmt(r.killToHealedS, 2)} |`,
      );
    }
    if (realNote) console.log(`| – | ${realNote} | | |`);

    const rss = Math.max(...usage.map((u) => u.rssMaxMiB));
    const cpu = Math.max(...usage.map((u) => u.cpuPct));
    const visible =
      real.length > 0
        ? Math.max(...real.map((r) => r.promotedToVisibleS))
        : Math.max(...rounds.map((r) => r.issuedS));
    const healed = real.length > 0 ? fmt(Math.max(...real.map((r) => r.killToHealedS)), 2) : "none";
    console.log(
      `\nRESULT agent_rss_mb=${fmt(rss)} agent_cpu_pct=${fmt(cpu, 2)} promotion_visible_s=${fmt(visible, 2)} auto_heal_max_s=${healed}`,
    );
  } finally {
    for (const host of hosts) {
      await host.agent.stop();
      await host.cp.stop();
    }
    await standby.stop();
    await primary.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
