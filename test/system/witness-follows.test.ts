// System test: the witness finds a new primary by itself when nobody tells it. Only a failover that
// repmgrd runs notifies the witness; a switchover run by an agent does not, and the agent cannot reach
// the witness host. When the old primary stays down past the witness's reconnect attempts, the witness
// waits `primary_notification_timeout` for that notice, then looks for the primary itself. With repmgr's
// 60 s default it vouched for nobody for a minute after a slow switchover. Needs root.
import { SERVICE_PAUSE_ARGS } from "@pgaas/common";
import {
  bootstrapPair,
  generatePairSecrets,
  memberLayout,
  pairStatus,
  REPMGR_BIN,
  scriptPaths,
  teardownPair,
} from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import { dumpLogs, LAB_HOSTS, labPairHosts, labPairSpec, Timeline, waitFor, withLab } from "@pgaas/testing";
import { describe, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "pwf", first: "10.231.235.0/24", count: 1 }, hosts: LAB_HOSTS });

describe("the witness without a notice", () => {
  it("watches a primary promoted behind its back within seconds of giving up on the old one", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `wf-${lab.prefix}`);
    const hosts = labPairHosts(lab);
    const secrets = generatePairSecrets(spec.name);
    const timeline = new Timeline();
    const asPostgres = async (node: string, argv: string[]) => {
      const result = await hostExec(lab, node, ["runuser", "-u", "postgres", "--", ...argv]);
      expect(result.code, result.stderr).toBe(0);
    };
    const watching = async () => (await pairStatus(spec, hosts)).witness.watching;
    try {
      await bootstrapPair(spec, hosts, { secrets });
      await waitFor(
        "the witness watching n1",
        async () => ((await watching()) === "n1" ? true : undefined),
        30_000,
      );
      const n1 = memberLayout(spec, "n1");
      const n2 = memberLayout(spec, "n2");
      // Paused, repmgrd on n2 never promotes it: the promotion below is the only one, and no repmgrd
      // failover notifies the witness, as in a switchover.
      await asPostgres("n1", [REPMGR_BIN, "-f", n1.repmgrConf, ...SERVICE_PAUSE_ARGS]);
      await asPostgres("n1", [scriptPaths(n1).pgService, "stop"]);
      timeline.mark("n1 stopped");
      // Not seen for WATCHED_WITHIN_SECS: the witness is past its reconnect attempts and waits for a notice.
      await waitFor(
        "the witness giving up on n1",
        async () => ((await watching()) === null ? true : undefined),
        30_000,
      );
      timeline.mark("the witness watches nobody");
      await asPostgres("n2", [scriptPaths(n2).promote]);
      const promoted = performance.now();
      timeline.mark("n2 promoted");
      await waitFor(
        "the witness watching n2",
        async () => ((await watching()) === "n2" ? true : undefined),
        30_000,
      );
      timeline.mark("the witness watches n2");
      process.stdout.write(`${timeline.format()}\n`);
      // primary_notification_timeout is 5 s and the witness started waiting before the promotion;
      // with repmgr's 60 s default this took over 50 s.
      expect((performance.now() - promoted) / 1000).toBeLessThan(10);
    } catch (error) {
      process.stdout.write(`${timeline.format()}\n`);
      await dumpLogs(spec);
      throw error;
    } finally {
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey });
    }
  }, 300_000);
});
