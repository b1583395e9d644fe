// The chaos soak (issue #10): a real pair (n1, n2, witness) with agents reporting to the real control
// plane and a bounded writer through the VIP; faults one at a time with seeded random gaps; after each,
// a bounded wait for the pair to be healthy again with a synchronous standby, with no human step.
// Invariants: no acknowledged row lost, never two writable primaries (nodes and API), every fault
// healed. `npm run soak` (bench/soak.ts) and test/system/soak.test.ts both run this one function.

import { AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import { generatePairSecrets, pairStatus, parsePairSpec, teardownPair } from "@pgaas/engine";
import { startControlPlaneStack } from "../control-plane/control-plane-stack.js";
import { deployAgentPair } from "../control-plane/deploy-agent-pair.js";
import { protectedPrimary } from "../control-plane/protected-pair.js";
import { adminTarget, ensureDrillDatabase, saveLogs, waitFor } from "../drill.js";
import { claimFreshLab } from "../fresh-lab.js";
import { LAB_HOSTS, labPairHosts, labPairSpec } from "../pair-fixture.js";
import type { SubnetRange } from "../subnet-allocation.js";
import {
  outagesOf,
  startWriter,
  verifyAcknowledged,
  type WriteAttempt,
  type WriterReport,
} from "../writer.js";
import { type DualPrimarySighting, watchDualPrimary } from "./dual-primary-watch.js";
import { seededRandom } from "./seeded-random.js";
import { FAULT_KINDS, type FaultKind, injectFault, undoAllFaults } from "./soak-faults.js";

export interface SoakOptions {
  readonly range: SubnetRange;
  readonly seed: number;
  /** Faults are started until this long after setup (and never more than maxFaults). */
  readonly durationMs: number;
  readonly maxFaults: number;
  /** A fixed order of faults; default: every kind once per round, each round in a seeded random order. */
  readonly sequence?: readonly FaultKind[];
  /** Random gap between faults, after the pair is healthy again. */
  readonly gapMs: { readonly min: number; readonly max: number };
  readonly holdMs: number;
  /** Longer than this to healthy again: counted unhealed, and the soak stops. */
  readonly healTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly log: (line: string) => void;
}

export interface FaultRecord {
  readonly kind: FaultKind;
  readonly what: string;
  /** Longest gap between acknowledged writes from the fault to healthy again (0: none over 1 s). */
  readonly outageS: number;
  /** Fault start → healthy again with a synchronous standby; null when it never healed. */
  readonly healS: number | null;
}

export interface SoakResult {
  readonly seed: number;
  readonly faults: readonly FaultRecord[];
  readonly ackedRows: number;
  readonly lost: readonly number[];
  readonly dual: readonly DualPrimarySighting[];
  readonly unhealed: number;
  /** Where the pair's logs were saved when something went wrong. */
  readonly evidence: readonly string[];
}

const AGENT_PORT = 9187;

interface PairEventRow {
  readonly type: string;
  readonly nodeName: string | null;
  readonly message: string;
  readonly occurredAt: string;
  readonly durationMs: number | null;
}
const WRITER_INTERVAL_MS = 100;

function reportOf(table: string, attempts: readonly WriteAttempt[]): WriterReport {
  return {
    table,
    attempts,
    acked: attempts.filter((a) => a.outcome === "acked").map((a) => a.seq),
    failed: attempts.filter((a) => a.outcome === "failed").length,
    unconfirmed: attempts.filter((a) => a.outcome === "unconfirmed").length,
    outages: outagesOf(attempts),
  };
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { log } = options;
  const random = seededRandom(options.seed);
  const { lab, release } = await claimFreshLab(options.range, LAB_HOSTS);
  const pairName = `soak-${lab.prefix}`;
  const secrets = generatePairSecrets(pairName);
  const hosts = labPairHosts(lab);
  const cp = await startControlPlaneStack(lab.hostAddress).catch(async (error: unknown) => {
    await release();
    throw error;
  });
  const spec = parsePairSpec({
    ...labPairSpec(lab, pairName),
    agent: { ...cp.agentTarget, listenPort: AGENT_PORT, stateSeconds: 1 },
  });
  const admin = (host: string) => adminTarget(spec, secrets, host);
  const address = (node: string) => lab.host(node).address;
  const faults: FaultRecord[] = [];
  const evidence: string[] = [];
  let unhealed = 0;
  let lost: number[] = [];
  const cleanups: (() => Promise<unknown>)[] = [];
  try {
    log(`bootstrapping ${pairName} on ${lab.subnet} …`);
    const registered = await deployAgentPair(cp, spec, hosts, secrets);
    await ensureDrillDatabase(admin(spec.endpoint.address));

    const healthyPrimary = () => protectedPrimary(spec, hosts, cp, registered.pairId);
    /** The control plane's events since `since`, oldest first, one line each: the soak's evidence. */
    const eventsSince = async (since: number): Promise<string[]> => {
      const reply = await cp.request("GET", `/v1/pairs/${registered.pairId}/events?limit=200`);
      const events = (reply.body as { events: PairEventRow[] }).events;
      return events
        .filter((e) => Date.parse(e.occurredAt) >= since)
        .sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt))
        .map(
          (e) =>
            `    event ${e.occurredAt} ${e.type} ${e.nodeName ?? "-"}${e.durationMs === null ? "" : ` ${e.durationMs} ms`}: ${e.message}`,
        );
    };
    let primary = await waitFor("a healthy pair after bootstrap", healthyPrimary, 180_000, 500);
    log(`healthy: primary ${primary}; seed ${options.seed}`);

    const table = "soak";
    const soakEnd = Date.now() + options.durationMs;
    // Bounded: the writer stops on its own after the soak's time plus every heal wait it may need.
    const writerMs =
      options.durationMs + options.maxFaults * (options.healTimeoutMs + options.holdMs) + 60_000;
    const writer = await startWriter({
      ...admin(spec.endpoint.address),
      table,
      intervalMs: WRITER_INTERVAL_MS,
      maxDurationMs: writerMs,
      maxRows: Math.ceil(writerMs / WRITER_INTERVAL_MS),
    });
    cleanups.push(() => writer.stop());
    await writer.firstAckAfter(Date.now(), 10_000);
    const dual = watchDualPrimary(lab, spec, () => cp.pair(registered.pairId), writerMs);
    cleanups.push(() => dual.stop());

    let bag: FaultKind[] = [];
    const nextKind = (): FaultKind => {
      if (bag.length === 0) bag = random.shuffle(FAULT_KINDS);
      return bag.shift() as FaultKind;
    };
    for (let index = 0; index < options.maxFaults; index += 1) {
      if (options.signal?.aborted || Date.now() > soakEnd) break;
      if (options.sequence && index >= options.sequence.length) break;
      const kind = options.sequence?.[index] ?? nextKind();
      const gap = random.between(options.gapMs.min, options.gapMs.max);
      log(`gap ${(gap / 1000).toFixed(1)} s, then fault ${index + 1}: ${kind}`);
      await new Promise((resolve) => setTimeout(resolve, gap));
      const standby = primary === "n1" ? "n2" : "n1";
      const startedAt = Date.now();
      const what = await injectFault(kind, {
        lab,
        spec,
        secrets,
        cp,
        agentTokens: registered.agentTokens,
        agentArtefactPath: AGENT_ARTEFACT_PATH,
        primary,
        standby,
        holdMs: options.holdMs,
        pick: (items) => random.pick(items),
        log,
      });
      log(`  ${what}`);
      const healed = await waitFor(
        `the pair healthy again after ${kind}`,
        async () => {
          const now = await healthyPrimary();
          // …and the writer acknowledged a write after the fault: the endpoint works again.
          const acked = writer.attempts().some((a) => a.startedAt > startedAt && a.outcome === "acked");
          return now && acked ? now : undefined;
        },
        options.healTimeoutMs,
        500,
      ).catch(() => undefined);
      const healedAt = Date.now();
      for (const line of await eventsSince(startedAt - 1000).catch(() => [])) log(line);
      const outage = outagesOf(writer.attempts())
        .filter((o) => o.firstAckAt > startedAt && o.lastAckAt < healedAt)
        .reduce((max, o) => Math.max(max, o.durationMs), 0);
      faults.push({
        kind,
        what,
        outageS: outage / 1000,
        healS: healed ? (healedAt - startedAt) / 1000 : null,
      });
      if (!healed) {
        unhealed += 1;
        const [status, view] = await Promise.all([
          pairStatus(spec, hosts).catch((e: unknown) => (e as Error).message),
          cp.pair(registered.pairId).catch((e: unknown) => (e as Error).message),
        ]);
        log(`UNHEALED after ${kind} within ${options.healTimeoutMs / 1000} s`);
        log(`  pair status: ${JSON.stringify(status)}`);
        log(`  control plane view: ${JSON.stringify(view)}`);
        evidence.push(await saveLogs(spec, `soak/unhealed-${kind}-${Date.now()}`));
        log(`  logs saved in ${evidence.at(-1)}`);
        break;
      }
      primary = healed;
      // Healed, but slowly: keep the logs, a slow heal is worth a post-mortem too.
      if (healedAt - startedAt > options.healTimeoutMs / 2) {
        evidence.push(await saveLogs(spec, `soak/slow-${kind}-${Date.now()}`));
        log(`  slow heal: logs saved in ${evidence.at(-1)}`);
      }
      // Every acknowledged row so far is on the current primary.
      const check = await verifyAcknowledged(reportOf(table, writer.attempts()), admin(address(primary)));
      log(
        `  healthy again after ${((healedAt - startedAt) / 1000).toFixed(1)} s (primary ${primary}); write outage ${(outage / 1000).toFixed(1)} s; ${check.ackedCount} acked, ${check.missing.length} missing`,
      );
      if (check.missing.length > 0) {
        lost = [...check.missing];
        evidence.push(await saveLogs(spec, `soak/lost-${kind}-${Date.now()}`));
        log(`LOST acknowledged rows ${check.missing.slice(0, 20).join(",")}; logs in ${evidence.at(-1)}`);
        break;
      }
      const sightings = dual.sightings();
      if (sightings.length > 0) {
        evidence.push(await saveLogs(spec, `soak/dual-${kind}-${Date.now()}`));
        log(`TWO WRITABLE PRIMARIES: ${JSON.stringify(sightings)}; logs in ${evidence.at(-1)}`);
        break;
      }
    }

    await dual.stop();
    const report = await writer.stop();
    const finalPrimary = (await healthyPrimary().catch(() => undefined)) ?? primary;
    const final = await verifyAcknowledged(report, admin(address(finalPrimary))).catch(() => undefined);
    if (final && final.missing.length > lost.length) lost = [...final.missing];
    const polls = dual.polls();
    log(`dual-primary watch: ${polls.nodes} polls of the nodes, ${polls.api} of the API`);
    if (polls.nodes === 0 || polls.api === 0) throw new Error("the dual-primary watch never polled");
    return {
      seed: options.seed,
      faults,
      ackedRows: report.acked.length,
      lost,
      dual: dual.sightings(),
      unhealed,
      evidence,
    };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    await undoAllFaults(lab);
    await cp.restart().catch(() => undefined);
    await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    await cp.close().catch(() => undefined);
    await release();
  }
}
