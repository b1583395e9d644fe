// NodeRollout's drain and settle updates called directly (as the plugin does) against a real pair on
// namespace hosts: a drain of the standby touches nothing, a drain of the primary switches over, a
// rerun of it (the primary moved) touches nothing, a settle waits until its node streams synchronously.
// Needs root. Namespace prefix pro, subnet 10.231.247.0/24.
import { createLogger } from "@pgaas/common";
import { pairStatus, parsePairSpec } from "@pgaas/engine";
import { destroyLab } from "@pgaas/engine/local";
import { allocateSubnet, type SubnetClaim } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unwrapSecrets } from "../../provider/src/plugin/wire-values.js";
import { HostConnections, pairHostsFor } from "../../provider/src/resources/host-connections.js";
import { localHostsHandler } from "../../provider/src/resources/local-hosts.js";
import { nodeRolloutHandler } from "../../provider/src/resources/node-rollout.js";
import { pairConfigurationHandler } from "../../provider/src/resources/pair-configuration.js";
import type { ResourceContext, WireProps } from "../../provider/src/resources/resource-handler.js";

interface Created {
  id: string;
  props: WireProps;
}

describe("NodeRollout on a real pair", () => {
  let claim: SubnetClaim;
  let ctx: ResourceContext;
  let hosts: Created | undefined;
  let pair: Created | undefined;
  let pairInputs: WireProps;
  const rollout = nodeRolloutHandler();

  /** Who is primary and whether the standby acknowledges commits, as the engine reads it live. */
  const roles = async () => {
    const spec = parsePairSpec(unwrapSecrets(pairInputs.spec));
    const status = await pairStatus(
      spec,
      pairHostsFor(spec, HostConnections.parse(unwrapSecrets(pairInputs.hosts))),
    );
    return { primary: status.primary, replication: status.replication };
  };

  /** A step's inputs: the pair as PairConfiguration sees it, its secrets, and what the step acts on. */
  const step = (node: string, phase: "drain" | "settle", acts: WireProps): WireProps => ({
    node,
    phase,
    spec: pairInputs.spec,
    hosts: pairInputs.hosts,
    pairSecrets: pair?.props.pairSecrets,
    ...acts,
  });

  /** Creates the step (nothing runs) and updates it to `acts`: what one `pulumi up` with a change does. */
  const rolled = async (node: string, phase: "drain" | "settle", before: WireProps, acts: WireProps) => {
    const created = await rollout.create(step(node, phase, before), ctx);
    const news = step(node, phase, acts);
    expect((await rollout.check(created.outs as WireProps, news)).failures).toEqual([]);
    const diff = await rollout.diff(created.id, created.outs as WireProps, news);
    expect([diff.changes, diff.replaces]).toEqual([true, []]);
    return rollout.update(created.id, created.outs as WireProps, news, ctx);
  };

  beforeAll(async () => {
    claim = await allocateSubnet({ prefix: "pro", first: "10.231.247.0/24", count: 1 });
    await destroyLab(claim.stateDir).catch(() => {});
    ctx = {
      config: { controlPlaneUrl: undefined, apiToken: undefined },
      log: createLogger({ component: "node-rollout", level: "warn" }),
      warn: async (message) => ctx.log.warn(message),
    };
    const created = await localHostsHandler.create(
      { prefix: claim.prefix, subnet: claim.subnet, hosts: ["n1", "n2", "w"], stateDir: claim.stateDir },
      ctx,
    );
    hosts = { id: created.id, props: created.outs as WireProps };
    const base = claim.subnet.replace(/\.0\/24$/, "");
    const key = unwrapSecrets(hosts.props.sshPrivateKey) as string;
    const states = hosts.props.hostStates as { name: string; address: string; hostKeySha256: string }[];
    const checked = await pairConfigurationHandler.check(
      {},
      {
        spec: {
          name: "rollout",
          postgres: { memoryMb: 256 },
          nodes: [
            { name: "n1", address: `${base}.2` },
            { name: "n2", address: `${base}.3` },
          ],
          witness: { name: "w", address: `${base}.4`, port: 5433 },
          endpoint: { kind: "vip", address: `${base}.100`, interface: "eth0" },
          network: { nodeCidr: claim.subnet, controlPlaneCidrs: [`${base}.1/32`] },
        },
        hosts: states.map((host) => ({
          name: host.name,
          host: host.address,
          privateKey: key,
          hostKeySha256: host.hostKeySha256,
          serviceManager: "detached",
        })),
      },
    );
    expect(checked.failures).toEqual([]);
    pairInputs = checked.inputs as WireProps;
    const configured = await pairConfigurationHandler.create(pairInputs, ctx);
    pair = { id: configured.id, props: configured.outs as WireProps };
  }, 300_000);

  afterAll(async () => {
    // Best effort in reverse order, so a failed test still leaves nothing behind.
    if (pair) await pairConfigurationHandler.delete(pair.id, pair.props, ctx).catch(() => {});
    if (hosts) await localHostsHandler.delete(hosts.id, hosts.props, ctx).catch(() => {});
    await destroyLab(claim.stateDir).catch(() => {});
    await claim.release();
  }, 180_000);

  it("starts with n1 the primary and n2 its synchronous standby", async () => {
    expect(await roles()).toEqual({ primary: "n1", replication: "synchronous" });
  });

  it("drain of the standby (a new flavor for n2) touches nothing", async () => {
    await rolled("n2", "drain", { shape: { size: "small" } }, { shape: { size: "large" } });
    expect(await roles()).toEqual({ primary: "n1", replication: "synchronous" });
  });

  it("drain of the primary (a new flavor for n1) switches over to the standby", async () => {
    await rolled("n1", "drain", { shape: { size: "small" } }, { shape: { size: "large" } });
    expect(await roles()).toEqual({ primary: "n2", replication: "synchronous" });
  }, 180_000);

  it("the same drain again (a rerun after an interruption) finds n1 no longer primary: no second switchover", async () => {
    await rolled("n1", "drain", { shape: { size: "small" } }, { shape: { size: "large" } });
    expect(await roles()).toEqual({ primary: "n2", replication: "synchronous" });
  });

  it("settle of the drained node (resized in place, same VM) returns once it streams synchronously", async () => {
    const instance = { name: "n1", instanceId: "vm-n1", size: "small" };
    const updated = await rolled("n1", "settle", { instance }, { instance: { ...instance, size: "large" } });
    expect((updated.outs as WireProps).instance).toEqual({ ...instance, size: "large" });
    expect(await roles()).toEqual({ primary: "n2", replication: "synchronous" });
  }, 180_000);
});
