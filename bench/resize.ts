// Rolling-replacement (resize) benchmark on a real pair in namespace hosts (root on Linux), deployed as
// users get it: agents from the shipped artefact reporting to the real control plane.
//   npm run bench:resize [-- --rounds 2 --save-logs]
// Each round moves both nodes to fresh lab hosts under the bounded writer, as a resize replaces both VMs:
// the standby first, then the primary (one switchover). Rounds alternate between the host sets n1/n2 and
// r1/r2 (a retired host's member files are gone, so it comes back as a fresh one). Prints a table (write
// outage and time to synchronous protection per step, total per round) and, last, one RESULT line:
// outage_s is the largest write outage of any step, resize_total_s the slowest round, rows_lost the
// acknowledged rows missing on the final primary.
import { parseArgs } from "node:util";
import {
  adminTarget,
  ensureDrillDatabase,
  printResult,
  printTable,
  saveLogs,
  startWriter,
  verifyAcknowledged,
} from "@pgaas/testing";
import {
  deployAgentPair,
  largestAckGap,
  type RollingPair,
  rollingPair,
  rollingReplace,
  runBenchPair,
  stepsDuring,
} from "@pgaas/testing/control-plane";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "1" },
    // Keep the pair's logs (repmgrd, keepalived, agents, PostgreSQL) also when every round passed.
    "save-logs": { type: "boolean", default: false },
  },
});
const ROUNDS = Number(values.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || ROUNDS > 10) throw new Error("--rounds must be 1 to 10");

const SET_A = { n1: "n1", n2: "n2" } as const;
const SET_B = { n1: "r1", n2: "r2" } as const;
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Row {
  readonly round: number;
  readonly step: string;
  readonly switchover: boolean;
  readonly outageS: number;
  readonly protectedS: number;
  /** The engine steps running while writes were out. */
  readonly during: readonly string[];
}

/** The pair once deployed, as the rounds move it: what the teardown and the saved logs follow. */
let moved: RollingPair | undefined;

runBenchPair(
  {
    bench: "resize",
    range: { prefix: "prz", first: "10.231.245.0/24", count: 1 },
    labHosts: ["n1", "n2", "r1", "r2", "w"],
    pairName: (labPrefix) => `rsz-${labPrefix}`,
    saveLogsOnFailure: true,
    current: () => moved,
  },
  async ({ lab, secrets, cp, spec: base, hosts }) => {
    const { agentTokens } = await deployAgentPair(cp, base, hosts, secrets);
    const pair = rollingPair(lab, base, secrets, agentTokens, SET_A);
    moved = pair;
    const vip = adminTarget(base, secrets, base.endpoint.address);
    await ensureDrillDatabase(vip);
    const rows: Row[] = [];
    const totals: number[] = [];
    let lost = 0;
    let acked = 0;
    for (let round = 1; round <= ROUNDS; round += 1) {
      const targets = pair.placement.n1 === SET_A.n1 ? SET_B : SET_A;
      const writer = await startWriter({
        ...vip,
        table: `resize_${round}`,
        maxDurationMs: 300_000,
        maxRows: 3000,
        // Short client timeouts: the measure is the endpoint's, not a SYN retransmission's.
        connectTimeoutMs: 500,
        queryTimeoutMs: 1000,
      });
      const started = Date.now();
      const steps = await rollingReplace(pair, targets).catch(async (error: unknown) => {
        await writer.stop();
        throw error;
      });
      const total = Date.now() - started;
      // A second more of writes after the last step: an outage at its very end shows too.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const report = await writer.stop();
      const primary = pair.spec.nodes.find((node) => node.name === steps.at(-1)?.primary);
      if (!primary) throw new Error("no primary after the round");
      const check = await verifyAcknowledged(report, adminTarget(pair.spec, secrets, primary.address));
      lost += check.missing.length;
      acked += check.ackedCount;
      totals.push(total);
      for (const step of steps) {
        const gap = largestAckGap(report.attempts, step.startedAt, step.protectedAt);
        const row: Row = {
          round,
          step: `${step.node} ${step.from} → ${step.to}`,
          switchover: step.switchedOver,
          outageS: seconds(gap.durationMs),
          protectedS: seconds(step.protectedAt - step.startedAt),
          during: gap.durationMs > 1000 ? stepsDuring(step.events, gap) : [],
        };
        rows.push(row);
        log(
          `round ${round}: ${row.step}: write outage ${row.outageS} s, synchronous again after ${row.protectedS} s${row.switchover ? " (switchover)" : ""}; outage during: ${row.during.join(", ") || "-"}`,
        );
      }
      log(
        `round ${round}: total ${seconds(total)} s, ${check.missing.length} of ${check.ackedCount} acked rows lost`,
      );
    }
    printTable(
      ["round", "step", "switchover", "write outage (s)", "to sync protection (s)"],
      [
        ...rows.map((row) => [
          `${row.round}`,
          row.step,
          row.switchover ? "yes" : "no",
          `${row.outageS}`,
          `${row.protectedS}`,
        ]),
        ...totals.map((total, index) => [
          `${index + 1}`,
          "whole resize (both nodes)",
          "1",
          "",
          `${seconds(total)}`,
        ]),
        ["all", "acknowledged rows lost", "", "", `${lost} of ${acked}`],
      ],
    );
    if (values["save-logs"]) log(`logs saved in ${await saveLogs(pair.spec, `bench-resize-${Date.now()}`)}`);
    const outage = Math.max(...rows.map((row) => row.outageS));
    printResult({ outage_s: outage, resize_total_s: seconds(Math.max(...totals)), rows_lost: lost });
  },
);
