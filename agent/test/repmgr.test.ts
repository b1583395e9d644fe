import { describe, expect, it } from "vitest";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { parseRepmgrConf } from "../src/repmgr/repmgr-conf.js";
import { MemoryRepmgr } from "./support/fakes.js";

const SWITCHOVER = {
  id: "0b8f3f0e-3d7c-4d9a-8a5e-4f7a3c1d2e90",
  type: "switchover" as const,
  requestedAt: "2026-11-29T21:59:59.000Z",
};

describe("repmgr.conf facts", () => {
  it("reads node_id and the conninfo's dbname, quoted or not", () => {
    expect(
      parseRepmgrConf(
        "# managed by pgaas\nnode_id=2\nnode_name='n2'\nconninfo='host=10.231.40.3 user=repmgr dbname=repmgr connect_timeout=2'\n",
      ),
    ).toEqual({ nodeId: 2, database: "repmgr" });
    expect(parseRepmgrConf("node_id=1\nconninfo='host=a dbname=\\'my db\\' user=r'\n")).toEqual({
      nodeId: 1,
      database: "my db",
    });
    expect(parseRepmgrConf("#node_id=3\nnode_id=x\n")).toEqual({ nodeId: null, database: "repmgr" });
    // As the pair engine renders it: every value quoted, quotes inside doubled.
    expect(
      parseRepmgrConf(
        "node_id = '4'\nconninfo = 'host=''10.231.40.2'' port=''5432'' user=''repmgr'' dbname=''repmgr_x'' connect_timeout=''2'''\n",
      ),
    ).toEqual({ nodeId: 4, database: "repmgr_x" });
  });
});

describe("switchover command", () => {
  it("runs on a standby and reports repmgr's outcome", async () => {
    let now = Date.parse("2026-11-29T22:00:00.000Z");
    const repmgr = new MemoryRepmgr();
    const runner = repmgrCommandRunner(repmgr, {
      clock: () => {
        now += 1000;
        return now;
      },
    });
    expect(await runner.run(SWITCHOVER, "standby")).toEqual({
      outcome: "succeeded",
      startedAt: "2026-11-29T22:00:01.000Z",
      finishedAt: "2026-11-29T22:00:02.000Z",
      message: "NOTICE: switchover was successful",
    });
    repmgr.switchover = { exitCode: 6, output: `${"x".repeat(5000)}ERROR: unable to connect to the primary` };
    const failed = await runner.run(SWITCHOVER, "standby");
    expect(failed.outcome).toBe("failed");
    expect(failed.message).toHaveLength(4000);
    expect(failed.message.endsWith("ERROR: unable to connect to the primary")).toBe(true);
    expect(repmgr.switchovers).toBe(2);
  });

  it("refuses to run on a node that is not a standby", async () => {
    const repmgr = new MemoryRepmgr();
    const result = await repmgrCommandRunner(repmgr).run(SWITCHOVER, "primary");
    expect([result.outcome, result.message, repmgr.switchovers]).toEqual([
      "failed",
      "switchover runs on the standby; this node is primary",
      0,
    ]);
  });
});
