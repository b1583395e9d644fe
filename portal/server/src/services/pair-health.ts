// Pure: a pair's health and, when it is not healthy, the one most urgent reason: which node, since
// when, and what it means for the durability of commits.

import type { HealthReason, PairHealth } from "@pgaas/api";
import type { NodeRow } from "../store/nodes.js";
import { sinceText } from "./instant-text.js";
import type { AssessedNode } from "./pair-view.js";

function reason(
  code: HealthReason["code"],
  node: string | null,
  since: Date | null,
  message: string,
): HealthReason {
  return { code, node, since: since?.toISOString() ?? null, message };
}

/** What the primary's replication means for commits made now. */
function durability(primary: NodeRow): string {
  switch (primary.sync_state) {
    case "sync":
      return `${primary.name} still reports synchronous replication`;
    case "async":
      return "replication is asynchronous, so a failover may lose the latest commits";
    default:
      return `commits are not synchronously replicated, so they exist only on ${primary.name}`;
  }
}

/** What losing the unreachable primary would cost. */
function lossIfPrimaryLost(primary: NodeRow, standby: NodeRow | undefined): string {
  const peer = standby?.name ?? "the standby";
  return primary.sync_state === "sync"
    ? `commits acknowledged until then are also on ${peer} (synchronous standby)`
    : `commits not yet replicated to ${peer} exist only on ${primary.name}`;
}

function standbyReason(primary: NodeRow, other: AssessedNode | undefined): HealthReason | null {
  const then = durability(primary);
  if (other === undefined)
    return reason("standby_not_streaming", null, null, `the pair has no second node: ${then}`);
  const row = other.row;
  if (other.state === "unreachable") {
    const what = other.currentAt === null ? "has never reported" : "unreachable";
    return reason(
      "standby_unreachable",
      row.name,
      other.currentAt,
      `${row.name} ${what}${sinceText(other.currentAt)}: ${then}`,
    );
  }
  if (other.state === "superseded") {
    return reason(
      "standby_superseded",
      row.name,
      primary.role_since,
      `${row.name} superseded${sinceText(primary.role_since)}: it still reports itself primary on timeline ${row.timeline ?? "unknown"} while ${primary.name} is primary on timeline ${primary.timeline ?? "unknown"}; it must be fenced and rejoined as a standby; ${then}`,
    );
  }
  if (row.fenced === true)
    return reason(
      "standby_fenced",
      row.name,
      row.role_since,
      `${row.name} fenced${sinceText(row.role_since)}: ${then}`,
    );
  if (row.role !== "standby") {
    return reason(
      "standby_not_streaming",
      row.name,
      row.role_since,
      `${row.name} is ${row.role ?? "unknown"}${sinceText(row.role_since)}, not a streaming standby: ${then}`,
    );
  }
  return null;
}

function syncReason(primary: NodeRow): HealthReason | null {
  const since = primary.sync_state_since;
  switch (primary.sync_state) {
    case "sync":
      return null;
    case "async":
      return reason(
        "asynchronous",
        primary.name,
        since,
        `${primary.name} replicates asynchronously${sinceText(since)}: a failover may lose the latest commits`,
      );
    default:
      return reason(
        "sync_degraded",
        primary.name,
        since,
        `${primary.name} runs without a synchronous standby${sinceText(since)}: ${durability(primary)}`,
      );
  }
}

/**
 * `unknown` before any report; `no_primary` without a writable, unfenced node; `healthy` when the
 * primary and a standby both report and the primary replicates synchronously; else `degraded`.
 */
export function assessHealth(
  primary: AssessedNode | undefined,
  nodes: readonly AssessedNode[],
): { health: PairHealth; reason: HealthReason | null } {
  if (nodes.every((node) => node.row.received_at === null)) return { health: "unknown", reason: null };
  if (primary === undefined) {
    return {
      health: "no_primary",
      reason: reason(
        "no_primary",
        null,
        null,
        "no node reports itself as a writable, unfenced primary: writes fail until one is promoted",
      ),
    };
  }
  const row = primary.row;
  const other = nodes.find((node) => node !== primary);
  if (primary.state === "unreachable") {
    return {
      health: "degraded",
      reason: reason(
        "primary_unreachable",
        row.name,
        primary.currentAt,
        `${row.name} (primary) unreachable${sinceText(primary.currentAt)}: writes may be failing; ${lossIfPrimaryLost(row, other?.row)}`,
      ),
    };
  }
  const problem = standbyReason(row, other) ?? syncReason(row);
  return problem === null ? { health: "healthy", reason: null } : { health: "degraded", reason: problem };
}
