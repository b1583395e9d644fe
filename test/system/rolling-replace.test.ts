// System test: rolling replacement of a real pair (namespace hosts, repmgr, keepalived, agents from the
// shipped artefact reporting to the real control plane) under the bounded writer. n2, the standby,
// moves to a fresh host (own namespace, address and host key, empty data directory), then n1, the
// primary: replaceMember switches over once, retires the old host, clones the fresh one and waits until
// it is the synchronous standby. Needs root.
import { generatePairSecrets, memberLayout, type PairSpec, parsePairSpec, teardownPair } from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import {
  adminTarget,
  dumpLogs,
  ensureDrillDatabase,
  labPairSpec,
  printProgress,
  startWriter,
  verifyAcknowledged,
  vipSplits,
  watchVip,
  withLab,
} from "@pgaas/testing";
import {
  type ControlPlaneStack,
  deployAgentPair,
  largestAckGap,
  primaryMoves,
  type RollingPair,
  rollingPair,
  rollingReplace,
  startControlPlaneStack,
  watchPrimaries,
} from "@pgaas/testing/control-plane";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const NODE_HOSTS = ["n1", "n2", "r1", "r2"] as const;
const fixture = withLab({
  range: { prefix: "prz", first: "10.231.245.0/24", count: 1 },
  hosts: [...NODE_HOSTS, "w"],
});
const secrets = generatePairSecrets("rrp");

let cp: ControlPlaneStack;
let base: PairSpec;
let pair: RollingPair | undefined;

const REPMGR_NODES_SQL =
  "SELECT string_agg(format('%s:%s:%s', node_id, node_name, substring(conninfo from 'host=''?([0-9.]+)')), ',' ORDER BY node_id) FROM repmgr.nodes";
/** `ANY 1 (…)` shows the synchronous standby as "quorum". */
const REPLICATION_SQL =
  "SELECT string_agg(application_name || ':' || state || ':' || sync_state, ',' ORDER BY application_name) FROM pg_stat_replication";

/** One query as postgres over the member's local socket on a lab host. */
async function psqlOn(host: string, spec: PairSpec, member: string, database: string, sql: string) {
  const result = await hostExec(fixture.lab, host, [
    "runuser",
    "-u",
    "postgres",
    "--",
    "/usr/lib/postgresql/15/bin/psql",
    "-X",
    "-At",
    "-h",
    memberLayout(spec, member).runDir,
    "-p",
    String(spec.postgres.port),
    "-d",
    database,
    "-c",
    sql,
  ]);
  if (result.code !== 0) throw new Error(`psql on ${host}: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

beforeAll(async () => {
  cp = await startControlPlaneStack(fixture.lab.hostAddress);
  base = parsePairSpec({
    ...labPairSpec(fixture.lab, `rrp-${fixture.lab.prefix}`),
    agent: { ...cp.agentTarget, stateSeconds: 1, metricsSeconds: 15 },
  });
}, 120_000);

afterAll(async () => {
  if (pair) await teardownPair(pair.spec, pair.hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
  await cp?.close();
}, 120_000);

describe("rolling replacement", () => {
  it("moves the standby, then the primary, to fresh hosts with one switchover and no acknowledged row lost", async () => {
    const lab = fixture.lab;
    const { agentTokens } = await deployAgentPair(
      cp,
      base,
      {
        nodes: [
          { ssh: lab.host("n1").ssh, serviceManager: "detached" },
          { ssh: lab.host("n2").ssh, serviceManager: "detached" },
        ],
        witness: { ssh: lab.host("w").ssh, serviceManager: "detached" },
      },
      secrets,
      printProgress,
    );
    const current = rollingPair(lab, base, secrets, agentTokens, { n1: "n1", n2: "n2" });
    pair = current;
    const vip = adminTarget(base, secrets, base.endpoint.address);
    await ensureDrillDatabase(vip);
    const writer = await startWriter({ ...vip, table: "rolling", maxDurationMs: 170_000, maxRows: 1700 });
    const vipWatch = watchVip(lab, NODE_HOSTS, base.endpoint.address, { maxDurationMs: 170_000 });
    const primaries = watchPrimaries(current, NODE_HOSTS, 170_000);
    try {
      const steps = await rollingReplace(current, { n1: "r1", n2: "r2" }, printProgress);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const report = await writer.stop();
      const vipSamples = await vipWatch.stop();
      const samples = await primaries.stop();

      for (const step of steps) {
        const outage = largestAckGap(report.attempts, step.startedAt, step.protectedAt).durationMs;
        process.stdout.write(
          `${step.node} ${step.from} → ${step.to}: write outage ${(outage / 1000).toFixed(2)} s, synchronous again after ${((step.protectedAt - step.startedAt) / 1000).toFixed(1)} s${step.switchedOver ? " (switchover)" : ""}\n`,
        );
      }
      expect(steps.map((s) => `${s.node}:${s.from}->${s.to}:${s.switchedOver}`)).toEqual([
        "n2:n2->r2:false",
        "n1:n1->r1:true",
      ]);
      const check = await verifyAcknowledged(
        report,
        adminTarget(current.spec, secrets, lab.host("r2").address),
      );
      expect(check.missing).toEqual([]);
      expect(check.ackedCount).toBeGreaterThan(100);
      expect(samples.filter((sample) => sample.primaries.length > 1)).toEqual([]);
      expect(vipSplits(vipSamples)).toEqual([]);
      expect(primaryMoves(samples)).toBe(1);
      // The standby's move leaves the primary alone: its keepalived learns the new peer by a reload,
      // so the VIP never leaves n1 while n2 moves.
      const [standbyStep] = steps as [(typeof steps)[0]];
      const keepalivedOnPrimary = standbyStep.events.find(
        ({ event }) => event.step === "keepalived" && event.host === "n1" && event.status !== "start",
      );
      expect(keepalivedOnPrimary?.event.detail).toBe("reloaded (SIGHUP): the VIP stays where it is");
      const whileStandbyMoved = vipSamples.filter(
        (sample) => sample.at >= standbyStep.startedAt && sample.at <= standbyStep.protectedAt,
      );
      expect(whileStandbyMoved.length).toBeGreaterThan(10);
      expect(whileStandbyMoved.filter((sample) => sample.holders.join(",") !== "n1")).toEqual([]);
      expect(samples.at(-1)?.primaries).toEqual(["r2"]);
      expect(vipSamples.at(-1)?.holders).toEqual(["r2"]);
      // n1 at r1's address, n2 at r2's, the witness: the old hosts are gone from repmgr's node table.
      expect(await psqlOn("r2", current.spec, "n2", "repmgr", REPMGR_NODES_SQL)).toBe(
        `1:n1:${lab.host("r1").address},2:n2:${lab.host("r2").address},3:w:${lab.host("w").address}`,
      );
      expect(await psqlOn("r2", current.spec, "n2", "postgres", REPLICATION_SQL)).toBe("n1:streaming:quorum");
    } catch (error) {
      await Promise.all([writer.stop(), vipWatch.stop(), primaries.stop()]);
      await dumpLogs(current.spec);
      throw error;
    }
  }, 300_000);
});
