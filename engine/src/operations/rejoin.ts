// rejoin: bring a node back as the streaming standby of the current primary (after a failover, a
// fence or a kill -9), restart its repmgrd so it monitors as a standby, and turn sync back on.
import { ConflictError } from "@pgaas/common";
import type { PairHosts } from "../hosts.js";
import { openPairSessions } from "../pair-sessions.js";
import { planNodeFiles } from "../plan-files.js";
import { type ProgressListener, StepRunner, type StepTiming } from "../progress.js";
import type { PairSecrets } from "../secrets.js";
import { repmgrdService } from "../service-defs.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";
import { rejoinNode, waitForRepmgrdWatching } from "./rejoin-node.js";
import { ensureSync, waitForStreaming } from "./sync.js";

export interface RejoinResult {
  readonly node: string;
  readonly primary: string;
  readonly durationMs: number;
  readonly detail: string;
  readonly steps: readonly StepTiming[];
}

export async function rejoin(
  spec: PairSpec,
  hosts: PairHosts,
  secrets: PairSecrets,
  nodeName: string,
  options: { onProgress?: ProgressListener; sshPool?: SshPool } = {},
): Promise<RejoinResult> {
  const started = performance.now();
  const runner = new StepRunner(options.onProgress);
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    const node = pair.node(nodeName);
    const primary = pair.peer(nodeName);
    const state = await primary.state().catch(() => null);
    if (!state || state.inRecovery) {
      throw new ConflictError(`cannot rejoin ${nodeName}: ${primary.name} is not a running primary`, {
        code: "no_primary",
      });
    }
    let detail = "";
    await runner.run("rejoin", node.name, async () => {
      const outcome = await rejoinNode(primary, node);
      detail = outcome.detail ?? "";
      return outcome;
    });
    await runner.run("repmgrd", node.name, async () => {
      await node.services.restart(repmgrdService(node.member, planNodeFiles(spec, node.name, secrets)));
      await waitForRepmgrdWatching(node, primary);
      return { changed: true, detail: `monitoring ${primary.name}` };
    });
    await runner.run("sync", primary.name, async () => {
      await waitForStreaming(spec, primary);
      return ensureSync(spec, primary);
    });
    return {
      node: node.name,
      primary: primary.name,
      durationMs: Math.round(performance.now() - started),
      detail,
      steps: runner.timings,
    };
  } finally {
    await pair.close();
  }
}
