// Discover reality before acting: which node is (or must become) the primary and what each node needs.
// Pure: the bootstrap inspects both nodes, then this decides. It never picks a node whose data could be
// behind the other's, never initdbs or clones over a complete data directory, and refuses to guess.
import { ConflictError } from "@pgaas/common";
import type { Inspection } from "../member-session.js";

export type NodeAction =
  /** no data anywhere: create the cluster */
  | "initdb"
  /** the primary is running: leave it */
  | "keep-primary"
  /** the primary's data exists but PostgreSQL is stopped: start it */
  | "start-primary"
  /** no complete data directory: (remove leftovers and) clone from the primary */
  | "clone"
  /** a configured standby that is stopped */
  | "start-standby"
  /** a running standby */
  | "keep-standby"
  /** a former primary behind the current one: pg_rewind (or a fresh clone) */
  | "rejoin";

export interface NodeObservation {
  readonly name: string;
  readonly inspection: Inspection;
  /** Only for running nodes: in recovery, and the live timeline. */
  readonly live?: { readonly inRecovery: boolean; readonly timeline: number };
}

export interface RolePlan {
  readonly primary: string;
  readonly standby: string;
  readonly actions: Readonly<Record<string, NodeAction>>;
  /** Fenced nodes that may be unfenced: the peer never promoted past them. */
  readonly unfence: readonly string[];
}

function timelineOf(node: NodeObservation): number {
  return node.live?.timeline ?? node.inspection.timeline ?? 0;
}

function wasPrimary(node: NodeObservation): boolean {
  return node.inspection.complete && !node.inspection.standbySignal;
}

function standbyAction(node: NodeObservation): NodeAction {
  if (node.inspection.running) {
    if (node.live?.inRecovery) return "keep-standby";
    throw new ConflictError(`${node.name} runs as a second primary`, { code: "split_brain" });
  }
  if (!node.inspection.complete) return "clone";
  return node.inspection.standbySignal ? "start-standby" : "rejoin";
}

function plan(
  primary: NodeObservation,
  standby: NodeObservation,
  primaryAction: NodeAction,
  unfence: string[],
): RolePlan {
  return {
    primary: primary.name,
    standby: standby.name,
    actions: { [primary.name]: primaryAction, [standby.name]: standbyAction(standby) },
    unfence,
  };
}

export function decideRoles(nodes: readonly [NodeObservation, NodeObservation]): RolePlan {
  const [first, second] = nodes;
  const runningPrimaries = nodes.filter(
    (node) => node.inspection.running && node.live && !node.live.inRecovery,
  );
  if (runningPrimaries.length === 2) {
    throw new ConflictError(`both ${first.name} and ${second.name} run as primary`, { code: "split_brain" });
  }
  const [running] = runningPrimaries;
  if (running) {
    if (running.inspection.fenced) {
      throw new ConflictError(`${running.name} runs as primary although it is fenced`, {
        code: "fenced_primary_running",
      });
    }
    return plan(running, running === first ? second : first, "keep-primary", []);
  }
  const former = nodes.filter(wasPrimary);
  if (former.length === 0) {
    if (nodes.some((node) => node.inspection.complete)) {
      throw new ConflictError(
        "no node holds a primary's data (both are standbys): promote one with repmgr first",
        {
          code: "no_primary",
        },
      );
    }
    return plan(first, second, "initdb", []);
  }
  let candidate: NodeObservation;
  if (former.length === 2) {
    const [a, b] = former as [NodeObservation, NodeObservation];
    if (timelineOf(a) === timelineOf(b)) {
      throw new ConflictError(
        `${a.name} and ${b.name} both hold primary data on timeline ${timelineOf(a)}: refusing to guess`,
        {
          code: "ambiguous_primary",
        },
      );
    }
    candidate = timelineOf(a) > timelineOf(b) ? a : b;
  } else {
    candidate = former[0] as NodeObservation;
  }
  const peer = candidate === first ? second : first;
  const unfence: string[] = [];
  if (candidate.inspection.fenced) {
    const peerNeverPromoted =
      !peer.inspection.complete ||
      (peer.inspection.standbySignal && timelineOf(peer) <= timelineOf(candidate));
    if (!peerNeverPromoted) {
      throw new ConflictError(`${candidate.name} is fenced and its peer may have been promoted`, {
        code: "fenced",
      });
    }
    unfence.push(candidate.name);
  }
  return plan(candidate, peer, "start-primary", unfence);
}
