// The automatic-rejoin decision: a pure function of what this node and its pair look like right now.
// It answers one of four verdicts with the reason; healer.ts carries it out. The rule that matters
// most: never rejoin (and so discard) a node that could hold the only copy of acknowledged writes.
import type { NodeRole } from "@pgaas/common/wire";
import { compareLsn } from "./lsn.js";
import type { SyncRecord } from "./sync-record.js";

export type HealVerdict = "none" | "rejoin" | "fence" | "awaiting_decision";

/** How long a standby must stay crashed before its agent starts it again. */
export const CRASHED_STANDBY_GRACE_MS = 5_000;

export interface HealDecision {
  readonly verdict: HealVerdict;
  readonly reason: string;
}

export interface LocalView {
  readonly role: NodeRole;
  readonly writable: boolean;
  readonly fenced: boolean;
  /** Timeline of the local data (live, or from pg_controldata when stopped); null without data. */
  readonly timeline: number | null;
  /** A complete data directory exists (initdb or a clone finished). */
  readonly hasData: boolean;
  /**
   * A standby whose PostgreSQL died: standby.signal, and a control file still "in archive recovery"
   * (a stop leaves "shut down in recovery"). pg_rewind leaves that state too, for the moment before
   * the rejoin starts the server: hence `crashedSince` in the snapshot.
   */
  readonly crashedStandby: boolean;
  /** Where the local WAL ends (live LSN or read with pg_waldump); null when it could not be read. */
  readonly walEnd: string | null;
  /** synchronous_standby_names in the data directory is non-empty (the degrade hook empties it). */
  readonly syncOnDisk: boolean | null;
}

export interface PeerView {
  readonly primary: boolean;
  readonly timeline: number | null;
  /** Where the peer's timeline history branched off the local timeline; null when it did not. */
  readonly forkLsn: string | null;
  /** The node the peer's repmgr metadata names as primary. */
  readonly repmgrPrimary: string | null;
}

export interface AttemptView {
  readonly running: boolean;
  /** Consecutive failed attempts since the node last needed no rejoin. */
  readonly failures: number;
  /** No new attempt before this time (backoff). */
  readonly notBefore: number;
}

export interface HealSnapshot {
  readonly now: number;
  readonly autoRejoin: boolean;
  readonly maxAttempts: number;
  readonly peerName: string;
  readonly local: LocalView;
  /** The last sync state this node recorded while it was primary (durable across restarts). */
  readonly lastSync: SyncRecord | null;
  /** null when the peer's PostgreSQL could not be asked. */
  readonly peer: PeerView | null;
  /** The node the witness's repmgr metadata names as primary; null when unknown or unreachable. */
  readonly witnessPrimary: string | null;
  /** Since when this node has been seen a crashed standby without a break; null when it is not one. */
  readonly crashedSince: number | null;
  readonly attempt: AttemptView;
}

export function decideHeal(s: HealSnapshot): HealDecision {
  if (s.attempt.running) return none("a rejoin attempt is running");
  if (s.local.role === "standby") return none("this node is a standby");
  if (s.peer === null) return none(`${s.peerName} cannot be reached: no other primary is confirmed`);
  if (!s.peer.primary) return none(`${s.peerName} is not a primary`);
  const confirmedBy =
    s.witnessPrimary === s.peerName
      ? "the witness"
      : s.peer.repmgrPrimary === s.peerName
        ? `${s.peerName}'s repmgr metadata`
        : null;
  if (confirmedBy === null) {
    return none(`${s.peerName} runs as primary but repmgr does not name it primary yet`);
  }
  const peerTl = s.peer.timeline;
  const localTl = s.local.timeline;
  // A standby whose PostgreSQL died (crash, kill -9, OOM): a standby never accepted a write, so starting
  // it again loses nothing, and nothing else restarts it. Its control file may still name an older
  // timeline than the primary's (a rejoined standby records the new one only at its first restartpoint);
  // it follows the newer one, or the rejoin falls back to rewind or re-clone. Only once it has stayed so
  // for a while: a rejoin in progress passes through the same state for a moment.
  if (
    s.local.role === "down" &&
    s.local.crashedStandby &&
    localTl !== null &&
    peerTl !== null &&
    peerTl >= localTl
  ) {
    const seenMs = s.crashedSince === null ? 0 : s.now - s.crashedSince;
    if (seenMs < CRASHED_STANDBY_GRACE_MS) {
      return none(
        `this standby's PostgreSQL died ${(seenMs / 1000).toFixed(1)} s ago; it is started again after ${CRASHED_STANDBY_GRACE_MS / 1000} s`,
      );
    }
    return attemptRejoin(
      s,
      peerTl === localTl
        ? `${s.peerName} is primary on this standby's timeline ${localTl} (confirmed by ${confirmedBy})`
        : `${s.peerName} is primary on timeline ${peerTl}, after this standby's ${localTl} (confirmed by ${confirmedBy})`,
      "start it again as its standby",
    );
  }
  if (localTl !== null && (peerTl === null || peerTl <= localTl)) {
    return none(`${s.peerName} is on timeline ${peerTl ?? "?"}, not newer than this node's ${localTl}`);
  }
  const newer = `${s.peerName} is primary on timeline ${peerTl ?? "?"} (confirmed by ${confirmedBy})`;
  // Superseded: still running as a primary. Stop accepting writes first, whatever autoRejoin says.
  if (s.local.role === "primary") return { verdict: "fence", reason: `superseded: ${newer}` };
  if (!s.autoRejoin) return none(`${newer}; autoRejoin is off: rejoin this node with npm start or pulumi up`);

  const unsafe = onlyCopyRisk(s);
  if (unsafe !== null) return { verdict: "awaiting_decision", reason: unsafe };
  const how = s.local.hasData ? "rewind or re-clone" : "no data directory: re-clone";
  return attemptRejoin(s, newer, `${how} as its standby`);
}

/** A rejoin within the attempt budget and its backoff; `autoRejoin` off leaves it to a person. */
function attemptRejoin(s: HealSnapshot, why: string, how: string): HealDecision {
  if (!s.autoRejoin) return none(`${why}; autoRejoin is off: rejoin this node with npm start or pulumi up`);
  if (s.attempt.failures >= s.maxAttempts) {
    return {
      verdict: "awaiting_decision",
      reason: `${s.attempt.failures} rejoin attempts failed; ${why}. Look at the rejoin_failed events, fix the cause, then rejoin with npm start or pulumi up (or restart the agent to try again)`,
    };
  }
  if (s.now < s.attempt.notBefore) {
    return none(`retrying the rejoin in ${((s.attempt.notBefore - s.now) / 1000).toFixed(1)} s`);
  }
  return { verdict: "rejoin", reason: `${why}; ${how}` };
}

/**
 * Why rejoining could lose acknowledged writes, or null when it cannot. Safe when the peer was this
 * node's synchronous standby up to the end (every acknowledged commit reached it), or when the
 * local WAL ends at or before the point where the peer's timeline branched off.
 */
function onlyCopyRisk(s: HealSnapshot): string | null {
  if (!s.local.hasData) return null;
  const wasSync =
    s.lastSync?.syncState === "sync" && s.lastSync.syncStandby === s.peerName && s.local.syncOnDisk === true;
  if (wasSync) return null;
  const fork = s.peer?.forkLsn ?? null;
  const end = s.local.walEnd;
  const notSync = `${s.peerName} was not the synchronous standby when this node last ran as primary (last seen: ${describeSync(s.lastSync)}; synchronous_standby_names on disk ${s.local.syncOnDisk === null ? "unknown" : s.local.syncOnDisk ? "set" : "empty"})`;
  const decide =
    "A person must decide: recover those writes from this node's data directory and then rejoin it (npm start or pulumi up discards them), or keep this node and rebuild the other";
  if (fork === null || end === null) {
    return `${notSync}, and it cannot be proven that this node holds no writes the new primary lacks (WAL end ${end ?? "unreadable"}, fork point ${fork ?? "unknown"}). ${decide}.`;
  }
  if (compareLsn(end, fork) > 0) {
    return `${notSync}, and this node's WAL ends at ${end}, past ${s.peerName}'s fork point ${fork}: acknowledged writes may exist only here. ${decide}.`;
  }
  return null;
}

function describeSync(record: SyncRecord | null): string {
  if (record === null) return "never recorded";
  return `${record.syncState}${record.syncStandby ? ` with ${record.syncStandby}` : ""} at ${record.observedAt}`;
}

function none(reason: string): HealDecision {
  return { verdict: "none", reason };
}
