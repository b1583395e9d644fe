// Pure: the registry truth the API answers from stored reports: unreachable after three report
// intervals, one primary when reports conflict, the reason a pair is degraded, switchover readiness.
import { describe, expect, it } from "vitest";
import { currentPrimary, pairView } from "../src/services/pair-view.js";
import {
  REPLAYED_AFTER_MS,
  STATE_REPORT_INTERVAL_MS,
  UNREACHABLE_AFTER_MS,
} from "../src/services/report-timing.js";
import type { NodeRow } from "../src/store/nodes.js";

const now = new Date("2026-11-29T22:00:00.000Z");
const ago = (ms: number) => new Date(now.getTime() - ms);
const SINCE = ago(90_000); // 2026-11-29T21:58:30Z

const node = (name: string, overrides: Partial<NodeRow> = {}): NodeRow => ({
  id: `id-${name}`,
  pair_id: "p",
  name,
  address: "10.0.0.1",
  port: 5432,
  agent_port: 9187,
  sampled_at: null,
  received_at: null,
  role: null,
  writable: null,
  fenced: null,
  sync_state: null,
  timeline: null,
  lsn: null,
  lag_bytes: null,
  lag_seconds: null,
  pending_restart: null,
  role_since: null,
  sync_state_since: null,
  heal_state: "none",
  ...overrides,
});

/** A reporting primary on timeline 3, synchronous, whose report arrived `receivedAgoMs` ago. */
const primary = (name: string, receivedAgoMs = 500, overrides: Partial<NodeRow> = {}) =>
  node(name, {
    role: "primary",
    writable: true,
    fenced: false,
    sync_state: "sync",
    timeline: 3,
    sampled_at: ago(receivedAgoMs),
    received_at: ago(receivedAgoMs),
    role_since: SINCE,
    sync_state_since: SINCE,
    ...overrides,
  });

const standby = (name: string, receivedAgoMs = 500, overrides: Partial<NodeRow> = {}) =>
  node(name, {
    role: "standby",
    writable: false,
    fenced: false,
    sync_state: "none",
    timeline: 3,
    lag_bytes: 0,
    lag_seconds: 0,
    sampled_at: ago(receivedAgoMs),
    received_at: ago(receivedAgoMs),
    role_since: SINCE,
    sync_state_since: SINCE,
    ...overrides,
  });

const pair = {
  id: "p",
  name: "orders",
  endpoint_host: "10.0.0.10",
  endpoint_port: 5432,
  witness: null,
  admin_username: "pgaas_admin",
  admin_password_sealed: Buffer.alloc(0),
  settings: {},
  ca_certificate: null,
  created_at: now,
  updated_at: now,
};

const view = (...nodes: NodeRow[]) => pairView(pair, nodes, 0, now);
/** What a person reads first: primary, health, the reason and who is writable in which state. */
const summary = (...nodes: NodeRow[]) => {
  const v = view(...nodes);
  return {
    primary: v.primary,
    health: v.health,
    reason: v.reason,
    nodes: v.nodes.map((n) => [n.name, n.state, n.writable]),
  };
};

describe("unreachable nodes", () => {
  it("derives 6 s from the agents' 2 s report interval, and 11 s for a replayed sample", () => {
    expect([STATE_REPORT_INTERVAL_MS, UNREACHABLE_AFTER_MS, REPLAYED_AFTER_MS]).toEqual([2000, 6000, 11_000]);
  });

  it("keeps a node unreachable while it replays samples it spooled when cut off", () => {
    // n1 was cut off; its agent now replays a sample taken 11.001 s before it arrived.
    const replaying = primary("n1", 100, { sampled_at: ago(11_101), timeline: 3 });
    const promoted = primary("n2", 500, { timeline: 4, sync_state: "degraded" });
    expect(summary(replaying, promoted)).toEqual({
      primary: "n2",
      health: "degraded",
      reason: {
        code: "standby_unreachable",
        node: "n1",
        since: "2026-11-29T21:59:48.899Z",
        message:
          "n1 unreachable since 2026-11-29T21:59:48Z: commits are not synchronously replicated, so they exist only on n2",
      },
      nodes: [
        ["n1", "unreachable", false],
        ["n2", "reporting", true],
      ],
    });
    // 11 s on the way is still the present (clock skew), and reads as the old primary it is.
    expect(summary(primary("n1", 100, { sampled_at: ago(11_100) }), promoted).nodes).toEqual([
      ["n1", "superseded", false],
      ["n2", "reporting", true],
    ]);
  });

  it("keeps a primary reporting at exactly 6 s and calls it unreachable 1 ms later", () => {
    expect(summary(primary("n1", 6000), standby("n2"))).toEqual({
      primary: "n1",
      health: "healthy",
      reason: null,
      nodes: [
        ["n1", "reporting", true],
        ["n2", "reporting", false],
      ],
    });
    expect(summary(primary("n1", 6001), standby("n2"))).toEqual({
      primary: "n1",
      health: "degraded",
      reason: {
        code: "primary_unreachable",
        node: "n1",
        since: "2026-11-29T21:59:53.999Z",
        message:
          "n1 (primary) unreachable since 2026-11-29T21:59:53Z: writes may be failing; commits acknowledged until then are also on n2 (synchronous standby)",
      },
      nodes: [
        ["n1", "unreachable", false],
        ["n2", "reporting", false],
      ],
    });
  });

  it("says what an unreachable primary without a synchronous standby may take with it", () => {
    expect(view(primary("n1", 7000, { sync_state: "degraded" }), standby("n2")).reason?.message).toBe(
      "n1 (primary) unreachable since 2026-11-29T21:59:53Z: writes may be failing; commits not yet replicated to n2 exist only on n1",
    );
  });

  it("calls a standby unreachable after 6 s, and one that never reported unreachable without a since", () => {
    expect(view(primary("n1"), standby("n2", 6001)).reason).toEqual({
      code: "standby_unreachable",
      node: "n2",
      since: "2026-11-29T21:59:53.999Z",
      message: "n2 unreachable since 2026-11-29T21:59:53Z: n1 still reports synchronous replication",
    });
    expect(summary(primary("n1", 500, { sync_state: "degraded" }), node("n2"))).toEqual({
      primary: "n1",
      health: "degraded",
      reason: {
        code: "standby_unreachable",
        node: "n2",
        since: null,
        message: "n2 has never reported: commits are not synchronously replicated, so they exist only on n1",
      },
      nodes: [
        ["n1", "reporting", true],
        ["n2", "unreachable", false],
      ],
    });
  });
});

describe("conflicting primaries", () => {
  it("never shows two writable primaries: the higher timeline wins and the other is superseded", () => {
    // n1 is the old primary after a partition healed: its report is newer, its timeline older.
    const promoted = primary("n2", 1500, { timeline: 4, sync_state: "degraded", role_since: ago(4000) });
    expect(summary(primary("n1", 100), promoted)).toEqual({
      primary: "n2",
      health: "degraded",
      reason: {
        code: "standby_superseded",
        node: "n1",
        since: "2026-11-29T21:59:56.000Z",
        message:
          "n1 superseded since 2026-11-29T21:59:56Z: it still reports itself primary on timeline 3 while n2 is primary on timeline 4; it must be fenced and rejoined as a standby; commits are not synchronously replicated, so they exist only on n2",
      },
      nodes: [
        ["n1", "superseded", false],
        ["n2", "reporting", true],
      ],
    });
  });

  it("breaks a timeline tie by the later receive time", () => {
    expect(summary(primary("n1", 300), primary("n2", 200)).nodes).toEqual([
      ["n1", "superseded", false],
      ["n2", "reporting", true],
    ]);
  });

  it("never lets the agent's sampledAt pin the primary, however far in the future", () => {
    const farFuture = new Date("9999-12-31T23:59:59.000Z");
    const claims = [primary("n1", 5000, { sampled_at: farFuture }), primary("n2", 100)];
    expect(currentPrimary(claims)?.name).toBe("n2");
    expect(currentPrimary([primary("n1", 5000), primary("n2", 100, { timeline: 2 })])?.name).toBe("n1");
    expect(currentPrimary([primary("n1", 100, { timeline: null }), primary("n2", 5000)])?.name).toBe("n2");
  });

  it("shows an unreachable old primary as unreachable, not superseded", () => {
    const promoted = primary("n2", 500, { timeline: 4, sync_state: "degraded" });
    expect(summary(primary("n1", 9000), promoted)).toMatchObject({
      primary: "n2",
      reason: { code: "standby_unreachable", node: "n1" },
      nodes: [
        ["n1", "unreachable", false],
        ["n2", "reporting", true],
      ],
    });
  });
});

describe("degraded reasons", () => {
  it("is healthy only with a reporting primary, a reporting standby and synchronous replication", () => {
    const v = view(primary("n1"), standby("n2"));
    expect([v.health, v.reason, v.switchover, v.syncState, v.lagBytes]).toEqual([
      "healthy",
      null,
      { target: "n2", refusal: null },
      "sync",
      0,
    ]);
  });

  it("names a fenced or down standby with the time its role changed", () => {
    expect(view(primary("n1"), standby("n2", 500, { fenced: true })).reason).toEqual({
      code: "standby_fenced",
      node: "n2",
      since: "2026-11-29T21:58:30.000Z",
      message: "n2 fenced since 2026-11-29T21:58:30Z: n1 still reports synchronous replication",
    });
    expect(view(primary("n1"), standby("n2", 500, { role: "down" })).reason).toEqual({
      code: "standby_not_streaming",
      node: "n2",
      since: "2026-11-29T21:58:30.000Z",
      message:
        "n2 is down since 2026-11-29T21:58:30Z, not a streaming standby: n1 still reports synchronous replication",
    });
  });

  it("says since when commits are not synchronously replicated, or replicated asynchronously", () => {
    const degraded = primary("n1", 500, { sync_state: "degraded", sync_state_since: ago(30_000) });
    expect(view(degraded, standby("n2")).reason).toEqual({
      code: "sync_degraded",
      node: "n1",
      since: "2026-11-29T21:59:30.000Z",
      message:
        "n1 runs without a synchronous standby since 2026-11-29T21:59:30Z: commits are not synchronously replicated, so they exist only on n1",
    });
    expect(view(primary("n1", 500, { sync_state: "async" }), standby("n2")).reason).toEqual({
      code: "asynchronous",
      node: "n1",
      since: "2026-11-29T21:58:30.000Z",
      message:
        "n1 replicates asynchronously since 2026-11-29T21:58:30Z: a failover may lose the latest commits",
    });
  });

  it("says no_primary when only a fenced node claims writes, and unknown before any report", () => {
    const fenced = view(primary("n1", 500, { fenced: true }), standby("n2"));
    expect([fenced.primary, fenced.health, fenced.reason, fenced.switchover]).toEqual([
      null,
      "no_primary",
      {
        code: "no_primary",
        node: null,
        since: null,
        message: "no node reports itself as a writable, unfenced primary: writes fail until one is promoted",
      },
      {
        target: null,
        refusal: {
          code: "switchover_no_primary",
          message: "the pair has no writable primary to hand over from",
        },
      },
    ]);
    const silent = view(node("n1"), node("n2"));
    expect([silent.health, silent.reason, silent.nodes.map((n) => n.state)]).toEqual([
      "unknown",
      null,
      ["unreachable", "unreachable"],
    ]);
  });
});

describe("switchover readiness", () => {
  const refusal = (...nodes: NodeRow[]) => view(...nodes).switchover;

  it("refuses every target that is not a healthy synchronous standby, with a stable code and reason", () => {
    expect([
      refusal(primary("n1", 6001), standby("n2")),
      refusal(primary("n1"), standby("n2", 6001)),
      refusal(primary("n1"), node("n2")),
      refusal(primary("n1", 500, { timeline: 4 }), primary("n2", 100)),
      refusal(primary("n1"), standby("n2", 500, { fenced: true })),
      refusal(primary("n1"), standby("n2", 500, { role: "down" })),
      refusal(primary("n1", 500, { sync_state: "degraded" }), standby("n2")),
      refusal(primary("n1", 500, { sync_state: "async" }), standby("n2")),
    ]).toEqual([
      {
        target: "n2",
        refusal: {
          code: "switchover_primary_unreachable",
          message: "n1 (primary) is unreachable since 2026-11-29T21:59:53Z: a switchover needs both agents",
        },
      },
      {
        target: "n2",
        refusal: {
          code: "switchover_target_unreachable",
          message: "n2 is unreachable since 2026-11-29T21:59:53Z",
        },
      },
      { target: "n2", refusal: { code: "switchover_target_unreachable", message: "n2 has never reported" } },
      {
        target: "n2",
        refusal: {
          code: "switchover_target_superseded",
          message: "n2 is a superseded primary, not a standby: it must be rejoined first",
        },
      },
      {
        target: "n2",
        refusal: { code: "switchover_target_fenced", message: "n2 is fenced: it must be rejoined first" },
      },
      {
        target: "n2",
        refusal: { code: "switchover_target_not_standby", message: "n2 is down, not a streaming standby" },
      },
      {
        target: "n2",
        refusal: {
          code: "switchover_target_not_sync",
          message:
            "n2 is not a synchronous standby (n1 replication is degraded): promoting it could lose acknowledged commits",
        },
      },
      {
        target: "n2",
        refusal: {
          code: "switchover_target_not_sync",
          message:
            "n2 is not a synchronous standby (n1 replication is async): promoting it could lose acknowledged commits",
        },
      },
    ]);
  });
});
