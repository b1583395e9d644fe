// The soak's fault kinds, each injected one at a time and undone by the soak itself where a person or
// the platform would (a host coming back, a partition healing, the witness or control plane started
// again, a killed agent started again by its service manager). Everything after that is the pair's
// own job: repmgr fails over, the agents rejoin, the soak only waits.

import type { Secret } from "@pgaas/common";
import type { PairSecrets, PairSpec } from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import {
  heal,
  isolateHost,
  killAgent,
  labPairHosts,
  partition,
  restoreHost,
  startAgent,
  startWitness,
  stopWitness,
} from "@pgaas/engine/testing";
import type { ControlPlaneStack } from "../control-plane/control-plane-stack.js";
import { killPostmaster, roleFromInside, waitFor } from "../drill.js";

export const FAULT_KINDS = [
  "kill_primary",
  "kill_standby",
  "primary_vanish",
  "partition",
  "witness_down",
  "control_plane_down",
  "agent_killed",
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultContext {
  readonly lab: LocalLab;
  readonly spec: PairSpec;
  readonly secrets: PairSecrets;
  readonly cp: ControlPlaneStack;
  readonly agentTokens: Record<string, Secret>;
  readonly agentArtefactPath: string;
  /** The primary and standby when the fault starts. */
  readonly primary: string;
  readonly standby: string;
  /** How long a fault that lasts (vanish, partition, witness or control plane down) is held. */
  readonly holdMs: number;
  readonly pick: <T>(items: readonly T[]) => T;
  readonly log: (line: string) => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Injects `kind` and, for faults that last, undoes it after the hold; returns what was done. */
export async function injectFault(kind: FaultKind, c: FaultContext): Promise<string> {
  const hosts = labPairHosts(c.lab);
  switch (kind) {
    case "kill_primary":
      return `kill -9 ${c.primary}'s postmaster (pid ${await killPostmaster(c.lab, c.spec, c.primary)})`;
    case "kill_standby":
      return `kill -9 ${c.standby}'s postmaster (pid ${await killPostmaster(c.lab, c.spec, c.standby)})`;
    case "primary_vanish": {
      await isolateHost(c.lab, c.primary);
      // Held until the standby took over (bounded), so the host returns to a pair that moved on.
      const promoted = await waitFor(
        `${c.standby} promoted`,
        async () => ((await roleFromInside(c.lab, c.spec, c.standby)) === "primary" ? true : undefined),
        Math.max(c.holdMs, 60_000),
        250,
      ).catch(() => false);
      await sleep(c.holdMs);
      await restoreHost(c.lab, c.primary);
      return `${c.primary} vanished (switch port down) and returned; ${c.standby} ${promoted ? "was promoted" : "was NOT promoted"} meanwhile`;
    }
    case "partition":
      await partition(c.lab, "n1", "n2");
      await sleep(c.holdMs);
      await heal(c.lab, "n1", "n2");
      return `n1↔n2 partitioned for ${c.holdMs / 1000} s, then healed`;
    case "witness_down":
      await stopWitness(c.spec, hosts);
      await sleep(c.holdMs);
      await startWitness(c.spec, hosts, c.secrets);
      return `witness repmgrd + postgres stopped for ${c.holdMs / 1000} s, then started`;
    case "control_plane_down":
      await c.cp.stop();
      await sleep(c.holdMs);
      await c.cp.restart();
      return `control plane server stopped for ${c.holdMs / 1000} s, then started`;
    case "agent_killed": {
      const node = c.pick([c.primary, c.standby]);
      const agentToken = c.agentTokens[node];
      if (!agentToken) throw new Error(`no agent token for ${node}`);
      const pid = await killAgent(c.spec, hosts, node);
      // Restart=no everywhere: no service manager brings it back, so the soak plays that part.
      await sleep(2000);
      await startAgent(
        c.spec,
        hosts,
        { secrets: c.secrets, agentToken, agentArtefactPath: c.agentArtefactPath },
        node,
      );
      return `kill -9 ${node}'s agent (pid ${pid ?? "none: not running"}), started again by the soak after 2 s`;
    }
  }
}

/** Undoes every lasting fault (idempotent): for the soak's cleanup after a failure. */
export async function undoAllFaults(lab: LocalLab): Promise<void> {
  for (const node of ["n1", "n2"]) await restoreHost(lab, node).catch(() => undefined);
  await heal(lab, "n1", "n2").catch(() => undefined);
}
