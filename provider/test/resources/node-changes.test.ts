import { parsePairSpec } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { NodeInstances, nodeChanges, pairWhileMoving } from "../../src/resources/node-changes.js";

const n1 = { name: "n1", address: "10.0.0.11" };
const nodes = [n1, { name: "n2", address: "10.0.0.12" }];
const instances = [
  { name: "n1", instanceId: "vm-1", size: "m1.medium", dataVolumeSizeGb: 50 },
  { name: "n2", instanceId: "vm-2", size: "m1.medium", dataVolumeSizeGb: 50 },
];
const olds = { nodes, nodeInstances: instances };

describe("nodeChanges", () => {
  it("finds nothing when nothing changed", () => {
    expect(nodeChanges(olds, olds, "n1")).toEqual({ replace: [], grow: [] });
  });

  it("replaces both nodes on new VMs, the standby first", () => {
    const news = { nodes, nodeInstances: instances.map((i) => ({ ...i, instanceId: `${i.instanceId}b` })) };
    expect(nodeChanges(olds, news, "n1")).toEqual({ replace: ["n2", "n1"], grow: [] });
    expect(nodeChanges(olds, news, "n2")).toEqual({ replace: ["n1", "n2"], grow: [] });
  });

  it("replaces a node whose address changed even without instance ids", () => {
    const news = { nodes: [n1, { name: "n2", address: "10.0.0.99" }] };
    expect(nodeChanges({ nodes }, news, "n1")).toEqual({ replace: ["n2"], grow: [] });
  });

  it("does not replace for a flavor resized in place (same VM)", () => {
    const news = { nodes, nodeInstances: instances.map((i) => ({ ...i, size: "m1.large" })) };
    expect(nodeChanges(olds, news, "n1")).toEqual({ replace: [], grow: [] });
  });

  it("grows the filesystem of nodes whose data volume grew, never one that shrank or was unknown", () => {
    const news = {
      nodes,
      nodeInstances: [
        { ...instances[0], dataVolumeSizeGb: 80 },
        { ...instances[1], dataVolumeSizeGb: 40 },
      ],
    } as typeof olds;
    expect(nodeChanges(olds, news, "n1")).toEqual({ replace: [], grow: ["n1"] });
    expect(nodeChanges({ nodes }, news, "n1")).toEqual({ replace: [], grow: [] });
  });

  it("grows a replaced node's volume too", () => {
    const news = {
      nodes,
      nodeInstances: [instances[0], { ...instances[1], instanceId: "vm-3", dataVolumeSizeGb: 100 }],
    } as typeof olds;
    expect(nodeChanges(olds, news, "n1")).toEqual({ replace: ["n2"], grow: ["n2"] });
  });

  it("refuses two entries for one node", () => {
    expect(NodeInstances.safeParse([instances[0], instances[0]]).success).toBe(false);
    expect(NodeInstances.safeParse(instances).success).toBe(true);
  });
});

describe("pairWhileMoving", () => {
  const specWith = (n1Address: string, n2Address: string) =>
    parsePairSpec({
      name: "orders",
      nodes: [
        { name: "n1", address: n1Address },
        { name: "n2", address: n2Address },
      ],
      witness: { name: "w", address: "10.0.0.5", port: 5433 },
      endpoint: { kind: "vip", address: "10.0.0.100" },
      network: { nodeCidr: "10.0.0.0/24" },
    });
  const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";
  const connection = (name: string, host: string, hostKeySha256: string) => ({
    name,
    host,
    port: 22,
    username: "root",
    privateKey: key,
    hostKeySha256,
    serviceManager: "systemd" as const,
  });
  const before = {
    spec: specWith("10.0.0.11", "10.0.0.12"),
    hosts: [
      connection("n1", "10.0.0.11", "old-n1"),
      connection("n2", "10.0.0.12", "old-n2"),
      connection("w", "10.0.0.5", "w"),
    ],
  };
  const after = {
    spec: specWith("10.0.0.21", "10.0.0.22"),
    hosts: [
      connection("n1", "10.0.0.21", "new-n1"),
      connection("n2", "10.0.0.22", "new-n2"),
      connection("w", "10.0.0.5", "w"),
    ],
  };

  it("moves only the nodes moved so far: the other stays at its old address and host", () => {
    const first = pairWhileMoving(before, after, new Set(["n2"]));
    expect(first.spec.nodes).toEqual([
      { name: "n1", address: "10.0.0.11" },
      { name: "n2", address: "10.0.0.22" },
    ]);
    expect(first.connections.map((c) => `${c.name}@${c.host}:${c.hostKeySha256}`)).toEqual([
      "n1@10.0.0.11:old-n1",
      "n2@10.0.0.22:new-n2",
      "w@10.0.0.5:w",
    ]);
    const both = pairWhileMoving(before, after, new Set(["n2", "n1"]));
    expect(both.spec.nodes).toEqual(after.spec.nodes);
    expect(both.connections).toEqual(after.hosts);
  });
});
