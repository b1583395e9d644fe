// How pair and node states read on screen: one tone and one word each.
import type { NodeView, PairHealth } from "@pgaas/api";
import type { SyncState } from "@pgaas/common/wire";
import type { Tone } from "../../components/Badge.js";

export function pairHealthBadge(health: PairHealth): { tone: Tone; label: string } {
  switch (health) {
    case "healthy":
      return { tone: "ok", label: "Healthy" };
    case "degraded":
      return { tone: "warn", label: "Degraded" };
    case "no_primary":
      return { tone: "bad", label: "No primary" };
    case "unknown":
      return { tone: "muted", label: "Unknown" };
    default: {
      const unreachable: never = health;
      return unreachable;
    }
  }
}

export function syncBadge(state: SyncState): { tone: Tone; label: string } {
  switch (state) {
    case "sync":
      return { tone: "ok", label: "Synchronous" };
    case "degraded":
      return { tone: "warn", label: "Degraded to async" };
    case "async":
      return { tone: "info", label: "Asynchronous" };
    case "none":
      return { tone: "muted", label: "—" };
    default: {
      const unreachable: never = state;
      return unreachable;
    }
  }
}

/** A node's health in one word: the control plane's verdict (unreachable, superseded) trumps its report. */
export function nodeHealthBadge(node: NodeView): { tone: Tone; label: string } {
  if (node.state === "unreachable") return { tone: "bad", label: "Unreachable" };
  if (node.state === "superseded") return { tone: "bad", label: "Superseded" };
  if (node.fenced) return { tone: "bad", label: "Fenced" };
  if (node.role === "down") return { tone: "bad", label: "Down" };
  if (node.role === "unknown") return { tone: "muted", label: "Unknown" };
  if (node.pendingRestart) return { tone: "warn", label: "Restart pending" };
  return { tone: "ok", label: "Up" };
}
