// The agent's one decision per cycle: a pure function of an immutable snapshot,
// returning what to do and why. Everything with side effects lives in agent.ts.
import type { AgentCommand, StateSample } from "@pgaas/common/wire";
import { type ChangeKey, changeKeyOf, describeChange, summariseState } from "./state-sample.js";

export type Action =
  | "report_state_change"
  | "report_state"
  | "report_metrics"
  | "report_heal_events"
  | "spool_state"
  | "spool_metrics"
  | "replay"
  | "run_command"
  | "idle";

export interface Decision {
  readonly action: Action;
  readonly reason: string;
}

export interface Snapshot {
  /** Milliseconds since the epoch when the snapshot was taken. */
  readonly now: number;
  readonly state: StateSample;
  /** What the control plane has (or will get from the spool) as this node's latest state. */
  readonly lastReported: ChangeKey | null;
  readonly nextStateAt: number;
  readonly nextMetricsAt: number;
  /** Reports waiting in the spool. */
  readonly spooled: number;
  /** 0 while the control plane answers; `retryAt` matters only while failures > 0. */
  readonly controlPlaneFailures: number;
  readonly retryAt: number;
  /** Commands received and not started yet, oldest first. */
  readonly pendingCommands: readonly AgentCommand[];
  readonly runningCommand: string | null;
  /** Automatic-rejoin events waiting to be reported (reported right after state changes). */
  readonly healEvents: number;
}

export function decide(s: Snapshot): Decision {
  const change = describeChange(s.lastReported, changeKeyOf(s.state));
  if (change !== null) return { action: "report_state_change", reason: change };
  if (s.healEvents > 0) {
    return {
      action: "report_heal_events",
      reason: `${s.healEvents} rejoin event${s.healEvents === 1 ? "" : "s"}`,
    };
  }

  const waitingForControlPlane = s.controlPlaneFailures > 0 && s.now < s.retryAt;
  const downFor = `control plane down (${s.controlPlaneFailures} failed attempts), retry in ${seconds(s.retryAt - s.now)}`;
  const queued = `queued behind ${s.spooled} spooled report${s.spooled === 1 ? "" : "s"}`;

  if (s.now >= s.nextStateAt) {
    const what = `state due: ${summariseState(s.state)}`;
    if (waitingForControlPlane) return { action: "spool_state", reason: `${what}; ${downFor}` };
    if (s.spooled > 0) return { action: "spool_state", reason: `${what}; ${queued}` };
    return { action: "report_state", reason: what };
  }
  if (s.now >= s.nextMetricsAt) {
    if (waitingForControlPlane) return { action: "spool_metrics", reason: `metrics due; ${downFor}` };
    if (s.spooled > 0) return { action: "spool_metrics", reason: `metrics due; ${queued}` };
    return { action: "report_metrics", reason: "metrics due" };
  }
  if (s.spooled > 0 && !waitingForControlPlane) {
    const why = s.controlPlaneFailures > 0 ? "control plane retry due" : "control plane up";
    return { action: "replay", reason: `${s.spooled} spooled report${s.spooled === 1 ? "" : "s"}; ${why}` };
  }
  const next = s.pendingCommands[0];
  if (next && s.runningCommand === null) {
    return { action: "run_command", reason: `${next.type} ${next.id} requested at ${next.requestedAt}` };
  }
  if (s.runningCommand !== null) return { action: "idle", reason: `command ${s.runningCommand} running` };
  if (waitingForControlPlane) return { action: "idle", reason: downFor };
  return { action: "idle", reason: `nothing due; next state in ${seconds(s.nextStateAt - s.now)}` };
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}
