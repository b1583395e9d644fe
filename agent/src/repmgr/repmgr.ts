// What the agent needs from repmgr, behind one small interface (in-memory for decision
// tests). Contract:
// readStatus() never throws for an unhealthy repmgr (that is a status, e.g. "repmgrd_stopped"); it
// throws PostgresUnreachableError only when the local server cannot be asked at all.
import type { CommandOutput } from "@pgaas/common";

export interface RepmgrStatus {
  readonly nodeId: number | null;
  /** "running", "paused", "repmgrd_stopped", "inactive", "unregistered", "unavailable". */
  readonly status: string;
  readonly upstreamNode: string | null;
}

export type { CommandOutput };

export interface Repmgr {
  readStatus(): Promise<RepmgrStatus>;
  /**
   * Makes this standby the primary: sync names cleared here, `repmgr standby switchover` against the
   * registered primary's config, repmgrd unpaused. Resolves with the exit code and output of the step
   * that decided the outcome. Re-registering the witness is the control plane's part: it needs the
   * witness host.
   */
  standbySwitchover(): Promise<CommandOutput>;
  close(): Promise<void>;
}

/** repmgr's word for a node whose PostgreSQL does not answer. */
export const UNREACHABLE_REPMGR: RepmgrStatus = { nodeId: null, status: "unreachable", upstreamNode: null };
