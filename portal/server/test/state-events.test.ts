// Pure: the events a state change derives (role changes, measured failovers, degrade, fence).
import { stateSample } from "@pgaas/testing/control-plane";
import { describe, expect, it } from "vitest";
import { deriveEvents } from "../src/services/state-events.js";

describe("state events", () => {
  const previous = {
    role: "standby",
    writable: false,
    fenced: false,
    syncState: "none",
    sampledAt: new Date(1000),
  };
  it("turns a promotion without a switchover into a measured failover", () => {
    expect(
      deriveEvents(previous, stateSample({ timeline: 2 }), {
        nodeName: "n2",
        sampledAt: new Date(9000),
        peerLastWritableAt: new Date(4000),
        switchoverInFlight: false,
      }),
    ).toEqual([
      {
        type: "role_changed",
        message: "n2: standby → primary",
        durationMs: null,
        details: { from: "standby", to: "primary", timeline: 2 },
      },
      {
        type: "failover",
        message: "n2 became the writable primary",
        durationMs: 5000,
        details: { timeline: 2, measuredFrom: "1970-01-01T00:00:04.000Z" },
      },
    ]);
  });

  it("does not call a switchover a failover and reports degrade and fence", () => {
    const events = deriveEvents(
      { ...previous, role: "primary", writable: true, syncState: "sync" },
      stateSample({ syncState: "degraded", fenced: true, writable: false }),
      {
        nodeName: "n1",
        sampledAt: new Date(2000),
        peerLastWritableAt: null,
        switchoverInFlight: true,
      },
    );
    expect(events.map((event) => event.type)).toEqual(["sync_degraded", "fenced"]);
  });

  it("derives nothing from a first report", () => {
    expect(
      deriveEvents(undefined, stateSample(), {
        nodeName: "n1",
        sampledAt: new Date(),
        peerLastWritableAt: null,
        switchoverInFlight: false,
      }),
    ).toEqual([]);
  });
});
