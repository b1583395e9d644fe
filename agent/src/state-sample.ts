// Pure functions over one StateSample: compose it from what the probes read, extract what counts as a
// change (reported at once), and describe it in a few words for decision reasons.
import type { HealState, NodeRole, StateSample, SyncState } from "@pgaas/common/wire";
import type { PostgresState } from "./postgres/probe.js";
import type { RepmgrStatus } from "./repmgr/repmgr.js";

/** A standby this far behind is "lagging": crossing the line either way is reported at once. */
const LAGGING_SECONDS = 10;
const LAGGING_BYTES = 16 * 1024 * 1024;

export interface ObservedNode {
  /** null when PostgreSQL could not be reached; `error` then says why. */
  readonly postgres: PostgresState | null;
  readonly error: string | null;
  readonly fenced: boolean;
  readonly repmgr: RepmgrStatus;
  /** What the healer is doing about this node (automatic rejoin). */
  readonly heal?: HealState;
  /** The client-auth version in force (null: none yet). */
  readonly clientAuthVersion?: number | null;
}

export function composeStateSample(node: ObservedNode): StateSample {
  const pg = node.postgres;
  const role: NodeRole = pg === null ? "down" : pg.inRecovery ? "standby" : "primary";
  return {
    role,
    fenced: node.fenced,
    writable: role === "primary" && !node.fenced && pg?.readOnly === false,
    timeline: pg?.timeline ?? null,
    lsn: pg?.lsn ?? null,
    receiveLsn: pg?.receiveLsn ?? null,
    lagBytes: pg?.lagBytes ?? null,
    lagSeconds: pg?.lagSeconds ?? null,
    syncState: syncStateOf(role, pg),
    synchronousStandbyNames: pg?.synchronousStandbyNames ?? "",
    streamingStandbys: pg ? pg.streamingStandbys.map((standby) => ({ ...standby })) : [],
    postmasterStartedAt: pg?.postmasterStartedAt ?? null,
    repmgr: { ...node.repmgr },
    pendingRestart: pg?.pendingRestart ?? false,
    error: node.error,
    heal: node.heal ?? "none",
    ...(node.clientAuthVersion !== undefined ? { clientAuthVersion: node.clientAuthVersion } : {}),
  };
}

/**
 * pgaas pairs are synchronous by design (ARCHITECTURE decision 4): an empty synchronous_standby_names
 * on a primary means the degrade hook switched sync off because the standby is gone.
 */
function syncStateOf(role: NodeRole, pg: PostgresState | null): SyncState {
  if (role !== "primary" || pg === null) return "none";
  return pg.synchronousStandbyNames.trim() === "" ? "degraded" : "sync";
}

function isLagging(state: StateSample): boolean {
  return (
    state.role === "standby" &&
    ((state.lagSeconds ?? 0) >= LAGGING_SECONDS || (state.lagBytes ?? 0) >= LAGGING_BYTES)
  );
}

/** The facts whose change the control plane must learn at once (routing, durability, fencing). */
export interface ChangeKey {
  readonly role: NodeRole;
  readonly fenced: boolean;
  readonly writable: boolean;
  readonly syncState: SyncState;
  readonly timeline: number | null;
  readonly lagging: boolean;
  readonly heal: HealState;
}

export function changeKeyOf(state: StateSample): ChangeKey {
  const { role, fenced, writable, syncState, timeline } = state;
  return {
    role,
    fenced,
    writable,
    syncState,
    timeline,
    lagging: isLagging(state),
    heal: state.heal ?? "none",
  };
}

/** "role standby → primary; timeline 1 → 2", or null when nothing that matters changed. */
export function describeChange(before: ChangeKey | null, after: ChangeKey): string | null {
  if (before === null) return `first state since agent start (${after.role})`;
  const parts: string[] = [];
  for (const field of ["role", "fenced", "writable", "syncState", "timeline", "lagging", "heal"] as const) {
    if (before[field] !== after[field])
      parts.push(`${field} ${String(before[field])} → ${String(after[field])}`);
  }
  return parts.length === 0 ? null : parts.join("; ");
}

/** A few words on the node for log lines: "primary, writable, sync, 1 standby streaming". */
export function summariseState(state: StateSample): string {
  const fenced = state.fenced ? "fenced, " : "";
  switch (state.role) {
    case "primary": {
      const standbys = state.streamingStandbys.length;
      const writable = state.writable ? "writable" : "read-only";
      return `${fenced}primary, ${writable}, ${state.syncState}, ${standbys} standby${standbys === 1 ? "" : "s"} streaming`;
    }
    case "standby": {
      const lag = `${state.lagBytes ?? "?"} B / ${state.lagSeconds?.toFixed(1) ?? "?"} s`;
      const upstream = state.repmgr.upstreamNode ? ` of ${state.repmgr.upstreamNode}` : "";
      return `${fenced}standby${upstream}, ${isLagging(state) ? "lagging" : "lag"} ${lag}`;
    }
    case "down":
    case "unknown":
      return `${fenced}${state.role}: ${state.error ?? "no error recorded"}`;
    default: {
      const never: never = state.role;
      return never;
    }
  }
}
