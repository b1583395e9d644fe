import { generatePairSecrets, type PairHosts, type PairSpec, revealPairSecrets } from "@pgaas/engine";
import { describe, expect, it } from "vitest";
import { wireSecret } from "../../src/plugin/wire-values.js";
import { nodeRolloutHandler, type RolloutOperations } from "../../src/resources/node-rollout.js";
import { recordingContext } from "../support/resource-context.js";

const spec = {
  name: "orders",
  nodes: [
    { name: "n1", address: "10.231.247.2" },
    { name: "n2", address: "10.231.247.3" },
  ],
  witness: { name: "w", address: "10.231.247.4", port: 5433 },
  endpoint: { kind: "vip", address: "10.231.247.100", port: 5432 },
  network: { nodeCidr: "10.231.247.0/24" },
};
const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n";
function hostsAt(n2Address: string) {
  return wireSecret(
    [
      ["n1", "10.231.247.2"],
      ["n2", n2Address],
      ["w", "10.231.247.4"],
    ].map(([name, host]) => ({ name, host, privateKey: key, serviceManager: "detached" })),
  );
}
const pairSecrets = wireSecret(JSON.stringify(revealPairSecrets(generatePairSecrets("orders"))));
const drainN2 = {
  node: "n2",
  phase: "drain",
  spec,
  hosts: hostsAt("10.231.247.3"),
  pairSecrets,
  shape: { size: "m1.small" },
  settleTimeoutSeconds: 600,
};
const settleN2 = {
  node: "n2",
  phase: "settle",
  spec,
  hosts: hostsAt("10.231.247.3"),
  pairSecrets,
  instance: { name: "n2", instanceId: "vm-a", size: "m1.small", dataVolumeSizeGb: 50 },
  settleTimeoutSeconds: 600,
};

type Status = { primary: string | null; n2Sync: string | null };

/** Engine operations that record what they were asked to do and report the given statuses in turn. */
function fakeOperations(statuses: Status[]) {
  const calls: string[] = [];
  let next = 0;
  let clock = 0;
  const ops: RolloutOperations = {
    async pairStatus(_spec: PairSpec, hosts: PairHosts) {
      const status = statuses[Math.min(next, statuses.length - 1)] as Status;
      next += 1;
      calls.push(`status ${hosts.nodes[1].ssh.host}`);
      return {
        primary: status.primary,
        // As the engine derives it: a standby acknowledging ("sync" or "quorum") makes it synchronous.
        replication:
          status.primary === null
            ? "no-primary"
            : status.n2Sync === "sync" || status.n2Sync === "quorum"
              ? "synchronous"
              : "degraded",
        nodes: [
          { name: "n1", syncState: null },
          { name: "n2", syncState: status.n2Sync },
        ] as never,
      };
    },
    async switchover(_spec, hosts) {
      calls.push(`switchover ${hosts.nodes[1].ssh.host}`);
    },
    async replaceMember(_spec, hosts, options) {
      calls.push(
        `replace ${options.node} at ${hosts.nodes[1].ssh.host}, previous ${options.previous?.address} ` +
          `over ${options.previous?.host.ssh.host}, sync timeout ${options.syncTimeoutMs}`,
      );
    },
    async growDataFilesystems(_spec, _hosts, nodes) {
      calls.push(`grow ${nodes.join(",")}`);
    },
    async sleep(ms) {
      clock += ms;
      calls.push(`sleep ${ms}`);
    },
    now: () => clock,
  };
  return { ops, calls };
}

const { context } = recordingContext();

describe("NodeRollout check", () => {
  it("accepts a drain with a shape and a settle with an instance", async () => {
    const handler = nodeRolloutHandler(fakeOperations([]).ops);
    expect((await handler.check({}, drainN2)).failures).toEqual([]);
    expect((await handler.check({}, settleN2)).failures).toEqual([]);
  });

  it("refuses a drain without a shape and a settle without an instance", async () => {
    const handler = nodeRolloutHandler(fakeOperations([]).ops);
    const { shape: _shape, ...noShape } = drainN2;
    const { instance: _instance, ...noInstance } = settleN2;
    expect((await handler.check({}, noShape)).failures).toEqual([
      { property: "shape", reason: "drain takes shape, settle does not" },
    ]);
    expect((await handler.check({}, noInstance)).failures).toEqual([
      { property: "instance", reason: "settle takes instance, drain does not" },
    ]);
  });
});

describe("NodeRollout create and diff", () => {
  it("creates without touching any host", async () => {
    const { ops, calls } = fakeOperations([]);
    const created = await nodeRolloutHandler(ops).create(drainN2, context);
    expect(created.id).toBe("n2-drain");
    expect(calls).toEqual([]);
  });

  it("proposes nothing for the same inputs, an update for a new shape, a replacement for another node", async () => {
    const handler = nodeRolloutHandler(fakeOperations([]).ops);
    const state = (await handler.create(drainN2, context)).outs ?? {};
    expect(await handler.diff("n2-drain", state, drainN2)).toEqual({ changes: false, replaces: [] });
    expect(await handler.diff("n2-drain", state, { ...drainN2, shape: { size: "m1.large" } })).toEqual({
      changes: true,
      replaces: [],
    });
    expect(await handler.diff("n2-drain", state, { ...drainN2, node: "n1" })).toEqual({
      changes: true,
      replaces: ["node"],
    });
  });
});

describe("NodeRollout drain update", () => {
  it("switches over when the node is the primary right now", async () => {
    const { ops, calls } = fakeOperations([{ primary: "n2", n2Sync: null }]);
    await nodeRolloutHandler(ops).update(
      "n2-drain",
      drainN2,
      { ...drainN2, shape: { size: "m1.large" } },
      context,
    );
    expect(calls).toEqual(["status 10.231.247.3", "switchover 10.231.247.3"]);
  });

  it("does nothing when the node is the standby", async () => {
    const { ops, calls } = fakeOperations([{ primary: "n1", n2Sync: "sync" }]);
    await nodeRolloutHandler(ops).update(
      "n2-drain",
      drainN2,
      { ...drainN2, shape: { size: "m1.large" } },
      context,
    );
    expect(calls).toEqual(["status 10.231.247.3"]);
  });

  it("touches no host when only the context changed (an update that keeps the state current)", async () => {
    const { ops, calls } = fakeOperations([{ primary: "n2", n2Sync: null }]);
    const news = { ...drainN2, hosts: hostsAt("10.231.247.9") };
    const updated = await nodeRolloutHandler(ops).update("n2-drain", drainN2, news, context);
    expect(calls).toEqual([]);
    expect(updated.outs?.hosts).toEqual(news.hosts);
  });
});

describe("NodeRollout settle update", () => {
  it("replaces the member from its previous host when the instance id changed", async () => {
    const { ops, calls } = fakeOperations([]);
    const news = {
      ...settleN2,
      spec: { ...spec, nodes: [spec.nodes[0], { name: "n2", address: "10.231.247.9" }] },
      hosts: hostsAt("10.231.247.9"),
      instance: { ...settleN2.instance, instanceId: "vm-b" },
    };
    await nodeRolloutHandler(ops).update("n2-settle", settleN2, news, context);
    expect(calls).toEqual([
      "replace n2 at 10.231.247.9, previous 10.231.247.3 over 10.231.247.3, sync timeout 600000",
    ]);
  });

  it("waits until the resized node streams synchronously again, then grows a grown volume", async () => {
    const { ops, calls } = fakeOperations([
      { primary: "n1", n2Sync: null },
      { primary: "n1", n2Sync: "async" },
      { primary: "n1", n2Sync: "quorum" },
    ]);
    const news = { ...settleN2, instance: { ...settleN2.instance, size: "m1.large", dataVolumeSizeGb: 80 } };
    await nodeRolloutHandler(ops).update("n2-settle", settleN2, news, context);
    expect(calls).toEqual([
      "status 10.231.247.3",
      "sleep 2000",
      "status 10.231.247.3",
      "sleep 2000",
      "status 10.231.247.3",
      "grow n2",
    ]);
  });

  it("fails naming the node when it does not stream synchronously within the bound, growing nothing", async () => {
    const { ops, calls } = fakeOperations([{ primary: "n1", n2Sync: null }]);
    const news = {
      ...settleN2,
      settleTimeoutSeconds: 3,
      instance: { ...settleN2.instance, size: "m1.large", dataVolumeSizeGb: 80 },
    };
    await expect(nodeRolloutHandler(ops).update("n2-settle", settleN2, news, context)).rejects.toMatchObject({
      code: "node_not_synchronous",
    });
    expect(calls).toEqual([
      "status 10.231.247.3",
      "sleep 2000",
      "status 10.231.247.3",
      "sleep 2000",
      "status 10.231.247.3",
    ]);
  });
});
