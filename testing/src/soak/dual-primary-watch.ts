// The soak's "never two writable primaries" invariant, watched all the time on both sides:
// directly on the nodes (each one's PostgreSQL asked from inside its own namespace, so an isolated or
// partitioned node is still seen) and in the control plane's API (never two nodes that are primary,
// writable and reporting). Every violation is kept with what was seen, as evidence.
import type { PairSpec } from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import type { PairView } from "../control-plane/control-plane-stack.js";
import { roleFromInside } from "../drill.js";

export interface DualPrimarySighting {
  readonly at: number;
  readonly where: "nodes" | "api";
  readonly seen: string;
}

export interface DualPrimaryWatch {
  sightings(): readonly DualPrimarySighting[];
  /** Polls done so far on each side: the watch must actually have looked. */
  polls(): { nodes: number; api: number };
  stop(): Promise<void>;
}

const POLL_MS = 1000;

export function watchDualPrimary(
  lab: LocalLab,
  spec: PairSpec,
  pairView: () => Promise<PairView>,
  maxDurationMs: number,
): DualPrimaryWatch {
  let stopped = false;
  const deadline = Date.now() + maxDurationMs;
  const sightings: DualPrimarySighting[] = [];
  const counts = { nodes: 0, api: 0 };
  const nodes = spec.nodes.map((node) => node.name);

  const loop = async (probe: () => Promise<void>) => {
    while (!stopped && Date.now() < deadline) {
      const started = Date.now();
      await probe().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (Date.now() - started))));
    }
  };
  const onNodes = loop(async () => {
    const at = Date.now();
    const roles = await Promise.all(nodes.map((node) => roleFromInside(lab, spec, node)));
    counts.nodes += 1;
    if (roles.filter((role) => role === "primary").length > 1)
      sightings.push({ at, where: "nodes", seen: nodes.map((n, i) => `${n}:${roles[i]}`).join(" ") });
  });
  const onApi = loop(async () => {
    const at = Date.now();
    const view = await pairView();
    counts.api += 1;
    const listed = view.nodes;
    const writers = listed.filter((n) => n.role === "primary" && n.writable && n.state === "reporting");
    if (writers.length > 1)
      sightings.push({
        at,
        where: "api",
        seen: listed.map((n) => `${n.name}:${n.role}:${n.writable ? "writable" : "ro"}:${n.state}`).join(" "),
      });
  });
  return {
    sightings: () => [...sightings],
    polls: () => ({ ...counts }),
    async stop() {
      stopped = true;
      await Promise.all([onNodes, onApi]);
    },
  };
}
