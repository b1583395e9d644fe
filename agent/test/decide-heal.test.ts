import { describe, expect, it } from "vitest";
import {
  CRASHED_STANDBY_GRACE_MS,
  decideHeal,
  type HealSnapshot,
  type LocalView,
  type PeerView,
} from "../src/heal/decide-heal.js";
import { compareLsn, largestLsnIn } from "../src/heal/lsn.js";
import {
  forkPointOf,
  parseControlData,
  parseSyncNames,
  walEndFromWaldump,
} from "../src/heal/observe-heal.js";
import type { SyncRecord } from "../src/heal/sync-record.js";

const NOW = 1_000_000;

const killedPrimary: LocalView = {
  role: "down",
  writable: false,
  fenced: false,
  timeline: 1,
  hasData: true,
  crashedStandby: false,
  walEnd: "0/5000100",
  syncOnDisk: true,
};
const promotedPeer: PeerView = { primary: true, timeline: 2, forkLsn: "0/5000100", repmgrPrimary: "n2" };
const syncWithPeer: SyncRecord = {
  observedAt: "2026-12-06T18:00:00.000Z",
  timeline: 1,
  lsn: "0/4000000",
  syncState: "sync",
  syncStandby: "n2",
};

function snapshot(overrides: Partial<HealSnapshot> = {}): HealSnapshot {
  return {
    now: NOW,
    autoRejoin: true,
    maxAttempts: 5,
    peerName: "n2",
    local: killedPrimary,
    lastSync: syncWithPeer,
    peer: promotedPeer,
    witnessPrimary: "n2",
    crashedSince: null,
    attempt: { running: false, failures: 0, notBefore: 0 },
    ...overrides,
  };
}

describe("decideHeal", () => {
  const killedStandby: LocalView = {
    ...killedPrimary,
    crashedStandby: true,
    walEnd: null,
    syncOnDisk: false,
  };
  const crashedLongEnough = NOW - CRASHED_STANDBY_GRACE_MS;
  const primaryOnTimeline1: PeerView = { primary: true, timeline: 1, forkLsn: null, repmgrPrimary: "n2" };

  it("waits a moment before starting a crashed standby: a rejoin passes through the same state", () => {
    expect(
      decideHeal(snapshot({ local: killedStandby, peer: primaryOnTimeline1, crashedSince: NOW - 2000 })),
    ).toEqual({
      verdict: "none",
      reason: "this standby's PostgreSQL died 2.0 s ago; it is started again after 5 s",
    });
  });

  it("leaves a cleanly stopped standby alone: a stop was somebody's decision", () => {
    const stopped = { ...killedStandby, crashedStandby: false };
    expect(
      decideHeal(snapshot({ local: stopped, peer: primaryOnTimeline1, crashedSince: crashedLongEnough })),
    ).toEqual({ verdict: "none", reason: "n2 is on timeline 1, not newer than this node's 1" });
  });

  it("starts a killed standby again when the peer is primary on its own timeline", () => {
    expect(
      decideHeal(
        snapshot({ local: killedStandby, peer: primaryOnTimeline1, crashedSince: crashedLongEnough }),
      ),
    ).toEqual({
      verdict: "rejoin",
      reason:
        "n2 is primary on this standby's timeline 1 (confirmed by the witness); start it again as its standby",
    });
  });

  it("starts a killed standby again when its control file still names an older timeline than the primary's", () => {
    // Rejoined to timeline 2 and killed before its first restartpoint: no former primary's only-copy
    // check (its WAL end would be read on the wrong timeline), it never accepted a write.
    const rejoinedThenKilled = { ...killedStandby, walEnd: "7AFEFB19/100" };
    const primaryOnTimeline2: PeerView = { ...primaryOnTimeline1, timeline: 2, forkLsn: "0/3560490" };
    expect(
      decideHeal(
        snapshot({ local: rejoinedThenKilled, peer: primaryOnTimeline2, crashedSince: crashedLongEnough }),
      ),
    ).toEqual({
      verdict: "rejoin",
      reason:
        "n2 is primary on timeline 2, after this standby's 1 (confirmed by the witness); start it again as its standby",
    });
    expect(
      decideHeal(snapshot({ local: rejoinedThenKilled, peer: primaryOnTimeline2, crashedSince: NOW - 1000 })),
    ).toEqual({
      verdict: "none",
      reason: "this standby's PostgreSQL died 1.0 s ago; it is started again after 5 s",
    });
  });

  it("leaves a stopped former primary on the peer's timeline alone: no failover happened", () => {
    expect(decideHeal(snapshot({ peer: primaryOnTimeline1 }))).toEqual({
      verdict: "none",
      reason: "n2 is on timeline 1, not newer than this node's 1",
    });
  });

  it("keeps a killed standby's restart within the attempt budget and autoRejoin", () => {
    const base = { local: killedStandby, peer: primaryOnTimeline1, crashedSince: crashedLongEnough };
    expect(decideHeal(snapshot({ ...base, autoRejoin: false })).verdict).toBe("none");
    expect(
      decideHeal(snapshot({ ...base, attempt: { running: false, failures: 5, notBefore: 0 } })).verdict,
    ).toBe("awaiting_decision");
    expect(
      decideHeal(snapshot({ ...base, attempt: { running: false, failures: 1, notBefore: NOW + 2000 } })),
    ).toEqual({ verdict: "none", reason: "retrying the rejoin in 2.0 s" });
  });

  it("rejoins a killed primary once the witness names the peer primary on a newer timeline", () => {
    expect(decideHeal(snapshot())).toEqual({
      verdict: "rejoin",
      reason: "n2 is primary on timeline 2 (confirmed by the witness); rewind or re-clone as its standby",
    });
  });

  it("accepts the peer's own repmgr metadata while the witness has not caught up", () => {
    const decision = decideHeal(snapshot({ witnessPrimary: "n1" }));
    expect(decision.verdict).toBe("rejoin");
    expect(decision.reason).toContain("confirmed by n2's repmgr metadata");
  });

  it("waits while nobody confirms the peer as primary", () => {
    expect(
      decideHeal(snapshot({ witnessPrimary: null, peer: { ...promotedPeer, repmgrPrimary: "n1" } })),
    ).toEqual({ verdict: "none", reason: "n2 runs as primary but repmgr does not name it primary yet" });
  });

  it("does nothing while the peer is unreachable, a standby, or not on a newer timeline", () => {
    expect(decideHeal(snapshot({ peer: null })).verdict).toBe("none");
    expect(decideHeal(snapshot({ peer: { ...promotedPeer, primary: false } })).reason).toBe(
      "n2 is not a primary",
    );
    expect(decideHeal(snapshot({ peer: { ...promotedPeer, timeline: 1 } })).reason).toBe(
      "n2 is on timeline 1, not newer than this node's 1",
    );
  });

  it("leaves a standby alone", () => {
    expect(decideHeal(snapshot({ local: { ...killedPrimary, role: "standby" } }))).toEqual({
      verdict: "none",
      reason: "this node is a standby",
    });
  });

  it("fences a superseded primary at once, even with autoRejoin off", () => {
    const superseded: LocalView = { ...killedPrimary, role: "primary", writable: true };
    for (const autoRejoin of [true, false]) {
      expect(decideHeal(snapshot({ local: superseded, autoRejoin }))).toEqual({
        verdict: "fence",
        reason: "superseded: n2 is primary on timeline 2 (confirmed by the witness)",
      });
    }
  });

  it("only reports when autoRejoin is off", () => {
    const decision = decideHeal(snapshot({ autoRejoin: false }));
    expect(decision.verdict).toBe("none");
    expect(decision.reason).toContain("autoRejoin is off");
  });

  it("re-clones a node whose data directory is gone", () => {
    const empty: LocalView = {
      ...killedPrimary,
      hasData: false,
      timeline: null,
      walEnd: null,
      syncOnDisk: null,
    };
    expect(decideHeal(snapshot({ local: empty, lastSync: null })).reason).toBe(
      "n2 is primary on timeline 2 (confirmed by the witness); no data directory: re-clone as its standby",
    );
  });

  it("awaits a decision when the WAL goes past the fork point and the peer was not the sync standby", () => {
    const degraded: SyncRecord = { ...syncWithPeer, syncState: "degraded", syncStandby: null };
    const decision = decideHeal(
      snapshot({
        lastSync: degraded,
        local: { ...killedPrimary, walEnd: "0/5000200", syncOnDisk: false },
      }),
    );
    expect(decision.verdict).toBe("awaiting_decision");
    expect(decision.reason).toContain("WAL ends at 0/5000200, past n2's fork point 0/5000100");
    expect(decision.reason).toContain("A person must decide");
  });

  it("rejoins a degraded node whose WAL ends at the fork point: nothing exists only here", () => {
    const degraded: SyncRecord = { ...syncWithPeer, syncState: "degraded", syncStandby: null };
    expect(
      decideHeal(snapshot({ lastSync: degraded, local: { ...killedPrimary, syncOnDisk: false } })).verdict,
    ).toBe("rejoin");
  });

  it("does not trust a sync record the degrade hook overrode on disk afterwards", () => {
    const decision = decideHeal(
      snapshot({ local: { ...killedPrimary, walEnd: "0/6000000", syncOnDisk: false } }),
    );
    expect(decision.verdict).toBe("awaiting_decision");
  });

  it("trusts neither an unreadable WAL end nor a missing fork point when sync is unproven", () => {
    expect(decideHeal(snapshot({ lastSync: null, local: { ...killedPrimary, walEnd: null } })).verdict).toBe(
      "awaiting_decision",
    );
    expect(decideHeal(snapshot({ lastSync: null, peer: { ...promotedPeer, forkLsn: null } })).verdict).toBe(
      "awaiting_decision",
    );
  });

  it("rejoins past the fork point when the peer was the synchronous standby to the end", () => {
    expect(decideHeal(snapshot({ local: { ...killedPrimary, walEnd: "0/9000000" } })).verdict).toBe("rejoin");
  });

  it("backs off between attempts, runs one at a time, and gives up to a person after the limit", () => {
    expect(decideHeal(snapshot({ attempt: { running: true, failures: 0, notBefore: 0 } })).reason).toBe(
      "a rejoin attempt is running",
    );
    expect(decideHeal(snapshot({ attempt: { running: false, failures: 1, notBefore: NOW + 5000 } }))).toEqual(
      {
        verdict: "none",
        reason: "retrying the rejoin in 5.0 s",
      },
    );
    expect(decideHeal(snapshot({ attempt: { running: false, failures: 2, notBefore: NOW } })).verdict).toBe(
      "rejoin",
    );
    const gaveUp = decideHeal(snapshot({ attempt: { running: false, failures: 5, notBefore: NOW } }));
    expect(gaveUp.verdict).toBe("awaiting_decision");
    expect(gaveUp.reason).toMatch(/^5 rejoin attempts failed/);
  });
});

describe("heal parsers", () => {
  it("compares LSNs as 64-bit positions", () => {
    expect(compareLsn("0/FFFFFFFF", "1/0")).toBe(-1);
    expect(compareLsn("A/10", "a/10")).toBe(0);
    expect(compareLsn("16/B374D848", "16/B374D847")).toBe(1);
    expect(largestLsnIn("at 0/3000148: invalid record length at 0/30001C0: wanted 24")).toBe("0/30001C0");
    expect(largestLsnIn("no position here")).toBeNull();
  });

  it("reads the WAL end from pg_waldump's final error, and nothing else", () => {
    expect(
      walEndFromWaldump(
        "pg_waldump: error: error in WAL record at 0/3000148: invalid record length at 0/30001C0: wanted 24, got 0\n",
      ),
    ).toBe("0/30001C0");
    expect(walEndFromWaldump('pg_waldump: error: could not find file "000000010000000000000009"')).toBeNull();
  });

  it("finds the fork point of the local timeline in the peer's history file", () => {
    const history =
      "1\t0/5000100\tno recovery target specified\n2\t0/7000000\tno recovery target specified\n";
    expect(forkPointOf(history, 1)).toBe("0/5000100");
    expect(forkPointOf(history, 2)).toBe("0/7000000");
    expect(forkPointOf(history, 3)).toBeNull();
    expect(forkPointOf(null, 1)).toBeNull();
  });

  it("parses pg_controldata and the sync setting ALTER SYSTEM left on disk", () => {
    const control =
      "Database cluster state:               in archive recovery\nLatest checkpoint location:           0/5000060\nLatest checkpoint's REDO location:    0/5000028\nLatest checkpoint's TimeLineID:       3\n";
    expect(parseControlData(control)).toEqual({
      timeline: 3,
      redo: "0/5000028",
      state: "in archive recovery",
    });
    expect(parseControlData("garbage")).toBeNull();
    expect(parseSyncNames(`# Do not edit\nsynchronous_standby_names = 'ANY 1 ("n1", "n2")'\n`)).toBe(true);
    expect(
      parseSyncNames("synchronous_standby_names = 'ANY 1 (n1, n2)'\nsynchronous_standby_names = ''\n"),
    ).toBe(false);
    expect(parseSyncNames("work_mem = '4MB'\n")).toBeNull();
  });
});
