import { describe, expect, it } from "vitest";
import { decideRoles, type NodeObservation } from "../src/bootstrap/decide-roles.js";

type Shape = "empty" | "leftover" | "primary-data" | "standby-data" | "running-primary" | "running-standby";

function node(
  name: string,
  shape: Shape,
  extra: { timeline?: number; fenced?: boolean } = {},
): NodeObservation {
  const timeline = extra.timeline ?? 1;
  const complete = shape !== "empty" && shape !== "leftover";
  const running = shape.startsWith("running");
  return {
    name,
    inspection: {
      exists: shape !== "empty",
      complete,
      standbySignal: shape === "standby-data" || shape === "running-standby",
      fenced: extra.fenced ?? false,
      running,
      timeline: complete ? timeline : null,
      clusterState: running ? "in production" : "shut down",
    },
    ...(running ? { live: { inRecovery: shape === "running-standby", timeline } } : {}),
  };
}

describe("decideRoles", () => {
  const cases: [
    string,
    NodeObservation,
    NodeObservation,
    { primary: string; actions: Record<string, string>; unfence: string[] },
  ][] = [
    [
      "fresh hosts",
      node("n1", "empty"),
      node("n2", "empty"),
      { primary: "n1", actions: { n1: "initdb", n2: "clone" }, unfence: [] },
    ],
    [
      "interrupted initdb",
      node("n1", "leftover"),
      node("n2", "empty"),
      { primary: "n1", actions: { n1: "initdb", n2: "clone" }, unfence: [] },
    ],
    [
      "converged",
      node("n1", "running-primary"),
      node("n2", "running-standby"),
      { primary: "n1", actions: { n1: "keep-primary", n2: "keep-standby" }, unfence: [] },
    ],
    [
      "after failover n2 is primary",
      node("n1", "primary-data"),
      node("n2", "running-primary", { timeline: 2 }),
      { primary: "n2", actions: { n2: "keep-primary", n1: "rejoin" }, unfence: [] },
    ],
    [
      "interrupted clone",
      node("n1", "running-primary"),
      node("n2", "leftover"),
      { primary: "n1", actions: { n1: "keep-primary", n2: "clone" }, unfence: [] },
    ],
    [
      "both stopped after a reboot",
      node("n1", "primary-data"),
      node("n2", "standby-data"),
      { primary: "n1", actions: { n1: "start-primary", n2: "start-standby" }, unfence: [] },
    ],
    [
      "two former primaries: newer timeline wins",
      node("n1", "primary-data", { timeline: 3 }),
      node("n2", "primary-data", { timeline: 4 }),
      { primary: "n2", actions: { n2: "start-primary", n1: "rejoin" }, unfence: [] },
    ],
    [
      "fenced primary whose standby never promoted",
      node("n1", "primary-data", { fenced: true }),
      node("n2", "standby-data"),
      { primary: "n1", actions: { n1: "start-primary", n2: "start-standby" }, unfence: ["n1"] },
    ],
    [
      "fenced node beside a running primary is rejoined",
      node("n1", "primary-data", { fenced: true }),
      node("n2", "running-primary", { timeline: 2 }),
      { primary: "n2", actions: { n2: "keep-primary", n1: "rejoin" }, unfence: [] },
    ],
  ];
  it.each(cases)("%s", (_label, a, b, expected) => {
    expect(decideRoles([a, b])).toEqual({
      primary: expected.primary,
      standby: expected.primary === "n1" ? "n2" : "n1",
      actions: expected.actions,
      unfence: expected.unfence,
    });
  });

  const refusals: [string, NodeObservation, NodeObservation, string][] = [
    ["two running primaries", node("n1", "running-primary"), node("n2", "running-primary"), "split_brain"],
    [
      "two former primaries on one timeline",
      node("n1", "primary-data"),
      node("n2", "primary-data"),
      "ambiguous_primary",
    ],
    ["only standbys", node("n1", "standby-data"), node("n2", "standby-data"), "no_primary"],
    [
      "a fenced primary still running",
      node("n1", "running-primary", { fenced: true }),
      node("n2", "standby-data"),
      "fenced_primary_running",
    ],
    [
      "a fenced node whose peer may have promoted",
      node("n1", "primary-data", { fenced: true }),
      node("n2", "standby-data", { timeline: 2 }),
      "fenced",
    ],
  ];
  it.each(refusals)("refuses %s", (_label, a, b, code) => {
    expect(() => decideRoles([a, b])).toThrow(expect.objectContaining({ code }));
  });
});
