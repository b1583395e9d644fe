// The frame the agent-pair benchmarks share: a fresh lab, the real control plane, a pair spec whose agents
// report to it, teardown at the end and on Ctrl-C, the pair's logs on failure and the exit code. One
// place, so a fix to the frame reaches every benchmark.
import { describeError } from "@pgaas/common";
import {
  generatePairSecrets,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  parsePairSpec,
  teardownPair,
} from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { saveLogs } from "../drill.js";
import { claimFreshLab } from "../fresh-lab.js";
import { labPairHosts, labPairSpec } from "../pair-fixture.js";
import type { SubnetRange } from "../subnet-allocation.js";
import { type ControlPlaneStack, startControlPlaneStack } from "./control-plane-stack.js";

export interface BenchPair {
  readonly lab: LocalLab;
  readonly cp: ControlPlaneStack;
  readonly secrets: PairSecrets;
  /** The lab pair, its agents reporting to `cp`; not yet deployed. */
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
}

export interface BenchPairOptions {
  /** Names the messages and the saved logs: `bench:<bench>`. */
  readonly bench: string;
  readonly range: SubnetRange;
  readonly labHosts: readonly string[];
  /** Pair paths live on the filesystem all lab hosts share: a name per lab keeps concurrent runs apart. */
  readonly pairName: (labPrefix: string) => string;
  /** Keep the pair's logs when the benchmark fails. */
  readonly saveLogsOnFailure?: boolean;
  /** The pair as it stands now, when the benchmark moved it to other hosts; the lab pair otherwise. */
  readonly current?: () => { readonly spec: PairSpec; readonly hosts: PairHosts } | undefined;
  /** Undo faults the benchmark may have left (an isolated host) before the teardown. */
  readonly beforeTeardown?: (lab: LocalLab) => Promise<void>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Runs `body` on a fresh bench pair, always tears it down, and exits the process 0 or 1. */
export function runBenchPair(options: BenchPairOptions, body: (pair: BenchPair) => Promise<void>): void {
  const name = `bench:${options.bench}`;
  const main = async () => {
    const { lab, release } = await claimFreshLab(options.range, options.labHosts);
    const cp = await startControlPlaneStack(lab.hostAddress);
    const pairName = options.pairName(lab.prefix);
    const secrets = generatePairSecrets(pairName);
    const pair: BenchPair = {
      lab,
      cp,
      secrets,
      spec: parsePairSpec({ ...labPairSpec(lab, pairName), agent: cp.agentTarget }),
      hosts: labPairHosts(lab),
    };
    const current = () => options.current?.() ?? pair;
    const cleanup = async () => {
      await options.beforeTeardown?.(lab).catch(() => undefined);
      const { spec, hosts } = current();
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
        () => undefined,
      );
      await cp.close().catch(() => undefined);
      await release();
    };
    process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
    try {
      await body(pair);
    } catch (error) {
      if (options.saveLogsOnFailure) {
        log(`logs saved in ${await saveLogs(current().spec, `bench-${options.bench}-${Date.now()}`)}`);
      }
      throw error;
    } finally {
      await cleanup().catch((error: unknown) => log(`cleanup failed: ${describeError(error)}`));
    }
  };
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      log(`${name} failed: ${describeError(error)}`);
      process.exit(1);
    },
  );
}
