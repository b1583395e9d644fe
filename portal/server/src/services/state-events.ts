// Pure: which pair events a new state sample implies, given the node's previous state and whether a
// switchover is in flight. Measured durations come from sample times, not from arrival times.

import type { PairEventType } from "@pgaas/api";
import type { StateSample } from "@pgaas/common/wire";

export interface PreviousState {
  readonly role: string;
  readonly writable: boolean;
  readonly fenced: boolean;
  readonly syncState: string;
  readonly sampledAt: Date;
}

export interface DerivedEvent {
  readonly type: PairEventType;
  readonly message: string;
  readonly durationMs: number | null;
  readonly details: Record<string, unknown>;
}

export interface EventContext {
  readonly nodeName: string;
  readonly sampledAt: Date;
  /** Last time another node of the pair was seen as the writable primary, if any. */
  readonly peerLastWritableAt: Date | null;
  readonly switchoverInFlight: boolean;
}

export function deriveEvents(
  previous: PreviousState | undefined,
  next: StateSample,
  context: EventContext,
): DerivedEvent[] {
  if (previous === undefined) return [];
  const events: DerivedEvent[] = [];
  const node = context.nodeName;
  if (previous.role !== next.role) {
    events.push({
      type: "role_changed",
      message: `${node}: ${previous.role} → ${next.role}`,
      durationMs: null,
      details: { from: previous.role, to: next.role, timeline: next.timeline },
    });
  }
  if (!previous.writable && next.writable && next.role === "primary" && !context.switchoverInFlight) {
    const since = context.peerLastWritableAt;
    events.push({
      type: "failover",
      message: `${node} became the writable primary`,
      durationMs: since === null ? null : Math.max(0, context.sampledAt.getTime() - since.getTime()),
      details: { timeline: next.timeline, measuredFrom: since?.toISOString() ?? null },
    });
  }
  if (previous.syncState === "sync" && next.syncState === "degraded") {
    events.push({
      type: "sync_degraded",
      message: `${node}: synchronous replication off (standby gone)`,
      durationMs: null,
      details: {},
    });
  }
  if (previous.syncState === "degraded" && next.syncState === "sync") {
    events.push({
      type: "sync_restored",
      message: `${node}: synchronous replication back on`,
      durationMs: null,
      details: {},
    });
  }
  if (previous.fenced !== next.fenced) {
    events.push({
      type: next.fenced ? "fenced" : "unfenced",
      message: next.fenced ? `${node} fenced itself` : `${node} is no longer fenced`,
      durationMs: null,
      details: {},
    });
  }
  return events;
}
