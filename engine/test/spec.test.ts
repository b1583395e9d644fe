import { describe, expect, it } from "vitest";
import { defaultRouterId, fenceRace, parsePairSpec } from "../src/spec.js";
import { SPEC_INPUT } from "./fixtures.js";

function issuesOf(input: unknown): string[] {
  try {
    parsePairSpec(input);
  } catch (error) {
    return ((error as { details: { issues: { path: string }[] } }).details.issues ?? []).map(
      (issue) => issue.path,
    );
  }
  return [];
}

describe("parsePairSpec", () => {
  it("fills secure defaults", () => {
    const spec = parsePairSpec({
      name: "shop",
      nodes: [
        { name: "a", address: "10.0.0.2" },
        { name: "b", address: "10.0.0.3" },
      ],
      witness: { name: "w", address: "10.0.1.9", port: 5433 },
      endpoint: { address: "10.0.0.100" },
      network: { nodeCidr: "10.0.0.0/24" },
    });
    expect(spec.postgres).toEqual({ major: 15, port: 5432, memoryMb: 1024 });
    expect(spec.endpoint).toEqual({
      kind: "vip",
      address: "10.0.0.100",
      port: 5432,
      interface: "eth0",
      vrrpRouterId: defaultRouterId("shop"),
    });
    expect(spec.replication).toEqual({ mode: "synchronous", degradeAfterSeconds: 1 });
    expect(spec.failover).toEqual({
      monitorIntervalSecs: 1,
      reconnectAttempts: 3,
      reconnectIntervalSecs: 1,
      fenceCheckIntervalSecs: 0.5,
      fencePeerTimeoutSecs: 1,
    });
    expect(spec.network).toEqual({ nodeCidr: "10.0.0.0/24", clientCidrs: [], controlPlaneCidrs: [] });
    expect(spec.settings).toEqual({});
    expect(spec.agent).toBeUndefined();
  });

  it("derives a stable router id in 1..255", () => {
    expect(defaultRouterId("shop")).toBe(defaultRouterId("shop"));
    for (const name of ["a", "orders", "x-y-z", "pair-with-a-long-name-0123456789"]) {
      expect(defaultRouterId(name)).toBeGreaterThanOrEqual(1);
      expect(defaultRouterId(name)).toBeLessThanOrEqual(255);
    }
  });

  const cases: [string, (input: typeof SPEC_INPUT) => unknown, string[]][] = [
    ["bad pair name", (i) => ({ ...i, name: "Orders" }), ["name"]],
    [
      "bad node name",
      (i) => ({ ...i, nodes: [{ name: "N-1", address: "10.40.0.11" }, i.nodes[1]] }),
      ["nodes.0.name"],
    ],
    ["three nodes", (i) => ({ ...i, nodes: [...i.nodes, { name: "n3", address: "10.40.0.13" }] }), ["nodes"]],
    [
      "same node names",
      (i) => ({ ...i, nodes: [i.nodes[0], { ...i.nodes[1], name: "n1" }] }),
      ["nodes.1.name"],
    ],
    [
      "same addresses",
      (i) => ({ ...i, nodes: [i.nodes[0], { ...i.nodes[1], address: "10.40.0.11" }] }),
      ["nodes.1.address"],
    ],
    [
      "node outside nodeCidr",
      (i) => ({ ...i, nodes: [i.nodes[0], { ...i.nodes[1], address: "10.41.0.12" }] }),
      ["nodes.1.address"],
    ],
    [
      "witness on a node",
      (i) => ({ ...i, witness: { ...i.witness, address: "10.40.0.11" } }),
      ["witness.address"],
    ],
    ["witness named like a node", (i) => ({ ...i, witness: { ...i.witness, name: "n2" } }), ["witness.name"]],
    [
      "VIP on a node",
      (i) => ({ ...i, endpoint: { ...i.endpoint, address: "10.40.0.12" } }),
      ["endpoint.address"],
    ],
    ["VIP on another port", (i) => ({ ...i, endpoint: { ...i.endpoint, port: 6433 } }), ["endpoint.port"]],
    ["pooler on PostgreSQL's port", (i) => ({ ...i, pooler: { port: 5432 } }), ["pooler.port"]],
    [
      "VIP outside nodeCidr",
      (i) => ({ ...i, endpoint: { ...i.endpoint, address: "10.99.0.1" } }),
      ["endpoint.address"],
    ],
    [
      "not an IPv4 address",
      (i) => ({ ...i, endpoint: { ...i.endpoint, address: "vip.example" } }),
      ["endpoint.address"],
    ],
    ["PostgreSQL 16", (i) => ({ ...i, postgres: { major: 16 } }), ["postgres.major"]],
    [
      "router id 0",
      (i) => ({ ...i, endpoint: { ...i.endpoint, vrrpRouterId: 0 } }),
      ["endpoint.vrrpRouterId"],
    ],
    ["bad setting name", (i) => ({ ...i, settings: { "Work Mem": "1" } }), ["settings.Work Mem"]],
    [
      "fence slower than the earliest promotion",
      (i) => ({ ...i, failover: { fencePeerTimeoutSecs: 2 } }),
      ["failover.fencePeerTimeoutSecs"],
    ],
    [
      "bad client CIDR",
      (i) => ({ ...i, network: { ...i.network, clientCidrs: ["10.0.0.0/33"] } }),
      ["network.clientCidrs.0"],
    ],
  ];
  it.each(cases)("rejects %s naming the field", (_label, change, paths) => {
    expect(issuesOf(change(SPEC_INPUT))).toEqual(paths);
  });

  it("measures the fence against the promotion of a refused-connection partition", () => {
    const defaults = parsePairSpec(SPEC_INPUT).failover;
    expect(fenceRace(defaults)).toBeNull();
    expect(fenceRace({ ...defaults, fencePeerTimeoutSecs: 1.5 })).toBe(
      "an isolated primary fences after up to 2 s (fencePeerTimeoutSecs + fenceCheckIntervalSecs) but the standby may promote after 2 s ((reconnectAttempts − 1) × reconnectIntervalSecs) when connections are refused",
    );
  });

  it("accepts a slower fence when the reconnect budget is larger", () => {
    expect(issuesOf({ ...SPEC_INPUT, failover: { fencePeerTimeoutSecs: 2, reconnectAttempts: 4 } })).toEqual(
      [],
    );
  });

  it("says which field is wrong in the message", () => {
    expect(() => parsePairSpec({ ...SPEC_INPUT, name: "Bad" })).toThrow(
      "invalid pair spec: name: Upper case is not allowed: use a–z.",
    );
  });
});
