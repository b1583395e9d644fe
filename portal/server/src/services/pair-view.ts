// Pure: turns stored rows into the Pair the API answers: current primary, node states (reporting,
// unreachable, superseded), health with its reason, switchover readiness, lag and sync state.

import type { NodeState, NodeView, Pair } from "@pgaas/api";
import type { NodeRow } from "../store/nodes.js";
import type { PairRow } from "../store/pairs.js";
import { assessHealth } from "./pair-health.js";
import { REPLAYED_AFTER_MS, UNREACHABLE_AFTER_MS } from "./report-timing.js";
import { switchoverReadiness } from "./switchover-readiness.js";

/** A node row with the control plane's verdict on it. */
export interface AssessedNode {
  readonly row: NodeRow;
  readonly state: NodeState;
  /** Until when its stored state was current: its receive time, or its sample time when replayed. */
  readonly currentAt: Date | null;
}

/**
 * The writable, unfenced node on the highest timeline; between equal timelines, the one whose report
 * this server received last. A promotion always starts a new timeline, so an old primary that still
 * believes it is writable loses to the promoted one. The agent's own `sampledAt` is not used: a
 * clock (or a forged report) far in the future must not pin the primary.
 */
export function currentPrimary<T extends Pick<NodeRow, "writable" | "fenced" | "timeline" | "received_at">>(
  nodes: readonly T[],
): T | undefined {
  return nodes
    .filter((node) => node.writable === true && node.fenced !== true && node.received_at !== null)
    .sort(
      (a, b) =>
        (b.timeline ?? -1) - (a.timeline ?? -1) ||
        (b.received_at?.getTime() ?? 0) - (a.received_at?.getTime() ?? 0),
    )[0];
}

function currentAt(row: NodeRow): Date | null {
  const { received_at: received, sampled_at: sampled } = row;
  if (received === null || sampled === null) return received;
  return received.getTime() - sampled.getTime() > REPLAYED_AFTER_MS ? sampled : received;
}

/** Unreachable beats superseded: a silent (or replaying) node's last claim is history, whatever it was. */
function nodeState(row: NodeRow, primary: NodeRow | undefined, now: Date): NodeState {
  const received = row.received_at;
  if (received === null || now.getTime() - received.getTime() > UNREACHABLE_AFTER_MS) return "unreachable";
  if (currentAt(row) !== received) return "unreachable";
  const claimsPrimary = row.writable === true && row.fenced !== true;
  return claimsPrimary && row.id !== primary?.id ? "superseded" : "reporting";
}

/** Every node with its state; the primary is the currentPrimary among them (it may be unreachable). */
export function assessNodes(
  rows: readonly NodeRow[],
  now: Date,
): { nodes: AssessedNode[]; primary: AssessedNode | undefined } {
  const primaryRow = currentPrimary(rows);
  const nodes = [...rows]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((row) => ({ row, state: nodeState(row, primaryRow, now), currentAt: currentAt(row) }));
  return { nodes, primary: nodes.find((node) => node.row === primaryRow) };
}

function nodeView({ row, state }: AssessedNode, primary: AssessedNode | undefined): NodeView {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    port: row.port,
    agentPort: row.agent_port,
    role: row.role ?? "unknown",
    writable: row === primary?.row && state === "reporting",
    fenced: row.fenced ?? false,
    timeline: row.timeline,
    lsn: row.lsn,
    lagBytes: row.lag_bytes,
    lagSeconds: row.lag_seconds,
    syncState: row.sync_state ?? "none",
    pendingRestart: row.pending_restart ?? false,
    lastReportAt: row.received_at?.toISOString() ?? null,
    state,
    healState: row.heal_state ?? "none",
  };
}

export function pairView(
  pair: PairRow,
  nodeRows: readonly NodeRow[],
  databaseCount: number,
  now: Date,
): Pair {
  const { nodes, primary } = assessNodes(nodeRows, now);
  const standby = nodes.find((node) => node !== primary && node.row.role === "standby")?.row;
  const reportTimes = nodeRows
    .map((node) => node.received_at?.getTime())
    .filter((t): t is number => t !== undefined);
  const { health, reason } = assessHealth(primary, nodes);
  return {
    id: pair.id,
    name: pair.name,
    endpoint: { host: pair.endpoint_host, port: pair.endpoint_port },
    nodes: nodes.map((node) => nodeView(node, primary)),
    witness: pair.witness,
    primary: primary?.row.name ?? null,
    health,
    reason,
    switchover: switchoverReadiness(primary, nodes),
    syncState: primary?.row.sync_state ?? "none",
    lagBytes: standby?.lag_bytes ?? null,
    lagSeconds: standby?.lag_seconds ?? null,
    lastReportAt: reportTimes.length === 0 ? null : new Date(Math.max(...reportTimes)).toISOString(),
    settings: pair.settings,
    caCertificate: pair.ca_certificate,
    databaseCount,
    createdAt: pair.created_at.toISOString(),
    updatedAt: pair.updated_at.toISOString(),
  };
}
