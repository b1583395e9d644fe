// How the control plane reads agent report times: the report interval, when silence means
// unreachable, and how much clock skew between an agent and this server it tolerates.

import { AgentConfig } from "@pgaas/common/wire";

/** How often agents send a state report: the agent configuration's default, its one source of truth. */
export const STATE_REPORT_INTERVAL_MS = AgentConfig.shape.intervals.parse({}).stateSeconds * 1000;

/** A node whose last report is older than three report intervals (6 s by default) is unreachable. */
export const UNREACHABLE_AFTER_MS = 3 * STATE_REPORT_INTERVAL_MS;

/**
 * How far ahead of this server's clock a sample may claim to be. Stored state only moves to newer
 * samples, so a report dated in the future would freeze a node's state (and its events) until then.
 */
export const MAX_SAMPLE_CLOCK_SKEW_MS = 5000;

/**
 * A sample that arrived this long after it was taken was replayed from the agent's spool (it was cut
 * off): it tells what the node was, not what it is, so the node stays unreachable until a fresh one.
 */
export const REPLAYED_AFTER_MS = UNREACHABLE_AFTER_MS + MAX_SAMPLE_CLOCK_SKEW_MS;
