import { describe, expect, it } from "vitest";
import { NodeInstances, nodeChanges } from "../../src/resources/node-changes.js";

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
