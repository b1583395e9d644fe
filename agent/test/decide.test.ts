import type { AgentCommand } from "@pgaas/common/wire";
import { describe, expect, it } from "vitest";
import { decide, type Snapshot } from "../src/decide.js";
import type { PostgresState } from "../src/postgres/probe.js";
import { changeKeyOf, composeStateSample } from "../src/state-sample.js";
import { PRIMARY, STANDBY } from "./support/fakes.js";

const NOW = Date.parse("2026-11-29T22:00:00.000Z");
const RUNNING = { nodeId: 1, status: "running", upstreamNode: null };
const STANDBY_REPMGR = { nodeId: 2, status: "running", upstreamNode: "n1" };

function sample(postgres: PostgresState | null, options: { fenced?: boolean; upstream?: boolean } = {}) {
  return composeStateSample({
    postgres,
    error: postgres ? null : "cannot connect to PostgreSQL at /run/pg:5432 as postgres: connect ENOENT",
    fenced: options.fenced ?? false,
    repmgr:
      postgres === null
        ? { nodeId: null, status: "unreachable", upstreamNode: null }
        : postgres.inRecovery
          ? STANDBY_REPMGR
          : RUNNING,
  });
}

/** A snapshot where the last reported state equals the current one and nothing is due. */
function snapshot(
  postgres: PostgresState | null,
  overrides: Partial<Snapshot> = {},
  fenced = false,
): Snapshot {
  const state = sample(postgres, { fenced });
  return {
    now: NOW,
    state,
    lastReported: changeKeyOf(state),
    nextStateAt: NOW + 1500,
    nextMetricsAt: NOW + 9000,
    spooled: 0,
    controlPlaneFailures: 0,
    retryAt: 0,
    pendingCommands: [],
    runningCommand: null,
    healEvents: 0,
    ...overrides,
  };
}

const SWITCHOVER: AgentCommand = {
  id: "6f1c2b9e-1f7a-4a51-9a51-2d0c1d9b7e10",
  type: "switchover",
  requestedAt: "2026-11-29T21:59:58.000Z",
};

describe("decide", () => {
  it("reports the first state at once after start", () => {
    expect(decide(snapshot(PRIMARY, { lastReported: null }))).toEqual({
      action: "report_state_change",
      reason: "first state since agent start (primary)",
    });
  });

  it("reports a healthy primary when state is due", () => {
    expect(decide(snapshot(PRIMARY, { nextStateAt: NOW }))).toEqual({
      action: "report_state",
      reason: "state due: primary, writable, sync, 1 standby streaming",
    });
  });

  it("reports a healthy standby when state is due", () => {
    expect(decide(snapshot(STANDBY, { nextStateAt: NOW - 5 }))).toEqual({
      action: "report_state",
      reason: "state due: standby of n1, lag 0 B / 0.0 s",
    });
  });

  it("reports a standby that starts lagging at once, and says so in later reports", () => {
    const behind = { ...STANDBY, lagBytes: 20 * 1024 * 1024, lagSeconds: 12.5 };
    const before = snapshot(STANDBY);
    expect(decide({ ...snapshot(behind), lastReported: before.lastReported })).toEqual({
      action: "report_state_change",
      reason: "lagging false → true",
    });
    expect(decide(snapshot(behind, { nextStateAt: NOW }))).toEqual({
      action: "report_state",
      reason: "state due: standby of n1, lagging 20971520 B / 12.5 s",
    });
  });

  it("reports a promotion at once, before anything else that is due", () => {
    const promoted = { ...PRIMARY, timeline: 2, streamingStandbys: [], synchronousStandbyNames: "" };
    const wasStandby = snapshot(STANDBY).lastReported;
    expect(
      decide(
        snapshot(promoted, { lastReported: wasStandby, nextStateAt: NOW, nextMetricsAt: NOW, spooled: 3 }),
      ),
    ).toEqual({
      action: "report_state_change",
      reason: "role standby → primary; writable false → true; syncState none → degraded; timeline 1 → 2",
    });
  });

  it("reports PostgreSQL going down at once, then keeps reporting down", () => {
    const wasPrimary = snapshot(PRIMARY).lastReported;
    expect(decide(snapshot(null, { lastReported: wasPrimary }))).toEqual({
      action: "report_state_change",
      reason: "role primary → down; writable true → false; syncState sync → none; timeline 1 → null",
    });
    expect(decide(snapshot(null, { nextStateAt: NOW }))).toEqual({
      action: "report_state",
      reason: "state due: down: cannot connect to PostgreSQL at /run/pg:5432 as postgres: connect ENOENT",
    });
  });

  it("reports fencing at once and shows it in later reports", () => {
    const wasPrimary = snapshot(PRIMARY).lastReported;
    expect(decide({ ...snapshot(PRIMARY, {}, true), lastReported: wasPrimary })).toEqual({
      action: "report_state_change",
      reason: "fenced false → true; writable true → false",
    });
    expect(decide(snapshot(null, { nextStateAt: NOW }, true))).toEqual({
      action: "report_state",
      reason:
        "state due: fenced, down: cannot connect to PostgreSQL at /run/pg:5432 as postgres: connect ENOENT",
    });
  });

  it("reports sync degrading at once", () => {
    const wasSync = snapshot(PRIMARY).lastReported;
    const degraded = { ...PRIMARY, synchronousStandbyNames: "", streamingStandbys: [] };
    expect(decide({ ...snapshot(degraded), lastReported: wasSync })).toEqual({
      action: "report_state_change",
      reason: "syncState sync → degraded",
    });
  });

  it("reports metrics when due and state is not", () => {
    expect(decide(snapshot(PRIMARY, { nextMetricsAt: NOW }))).toEqual({
      action: "report_metrics",
      reason: "metrics due",
    });
  });

  it("spools state and metrics while the control plane is down and its retry is not due", () => {
    const down = { controlPlaneFailures: 3, retryAt: NOW + 2300, spooled: 4 };
    expect(decide(snapshot(PRIMARY, { ...down, nextStateAt: NOW }))).toEqual({
      action: "spool_state",
      reason:
        "state due: primary, writable, sync, 1 standby streaming; control plane down (3 failed attempts), retry in 2.3 s",
    });
    expect(decide(snapshot(PRIMARY, { ...down, nextMetricsAt: NOW }))).toEqual({
      action: "spool_metrics",
      reason: "metrics due; control plane down (3 failed attempts), retry in 2.3 s",
    });
    expect(decide(snapshot(PRIMARY, down))).toEqual({
      action: "idle",
      reason: "control plane down (3 failed attempts), retry in 2.3 s",
    });
  });

  it("queues new reports behind spooled ones so the control plane sees them in order", () => {
    expect(decide(snapshot(PRIMARY, { spooled: 1, nextStateAt: NOW }))).toEqual({
      action: "spool_state",
      reason: "state due: primary, writable, sync, 1 standby streaming; queued behind 1 spooled report",
    });
    expect(decide(snapshot(PRIMARY, { spooled: 7, nextMetricsAt: NOW }))).toEqual({
      action: "spool_metrics",
      reason: "metrics due; queued behind 7 spooled reports",
    });
  });

  it("replays the spool when the retry is due or the control plane is up", () => {
    expect(decide(snapshot(PRIMARY, { spooled: 12, controlPlaneFailures: 2, retryAt: NOW }))).toEqual({
      action: "replay",
      reason: "12 spooled reports; control plane retry due",
    });
    expect(decide(snapshot(PRIMARY, { spooled: 1 }))).toEqual({
      action: "replay",
      reason: "1 spooled report; control plane up",
    });
  });

  it("runs a pending command, one at a time", () => {
    expect(decide(snapshot(STANDBY, { pendingCommands: [SWITCHOVER] }))).toEqual({
      action: "run_command",
      reason: "switchover 6f1c2b9e-1f7a-4a51-9a51-2d0c1d9b7e10 requested at 2026-11-29T21:59:58.000Z",
    });
    expect(decide(snapshot(STANDBY, { pendingCommands: [SWITCHOVER], runningCommand: "earlier" }))).toEqual({
      action: "idle",
      reason: "command earlier running",
    });
  });

  it("idles when nothing is due", () => {
    expect(decide(snapshot(PRIMARY))).toEqual({ action: "idle", reason: "nothing due; next state in 1.5 s" });
  });
});
