import { describe, expect, it } from "vitest";
import { type CommandOutput, type SwitchoverHost, standbySwitchover } from "../src/switchover.js";

/** Records every step; repmgr answers from `answers`, in order. */
function recordingHost(answers: CommandOutput[]): { host: SwitchoverHost; steps: unknown[] } {
  const steps: unknown[] = [];
  const host: SwitchoverHost = {
    async sql(statements) {
      steps.push({ sql: [...statements] });
    },
    async repmgr(args, timeoutMs) {
      steps.push({ repmgr: [...args], timeoutMs });
      return answers.shift() ?? { exitCode: 99, output: "unexpected call" };
    },
  };
  return { host, steps };
}

describe("standbySwitchover", () => {
  it("clears sync names, switches over naming the old primary's config, then unpauses repmgrd", async () => {
    const { host, steps } = recordingHost([
      { exitCode: 0, output: "NOTICE: switchover was successful" },
      { exitCode: 0, output: "NOTICE: node 1 unpaused" },
    ]);
    const result = await standbySwitchover(host, {
      timeoutMs: 300_000,
      remoteConfigFile: "/etc/pgaas/orders/n1/repmgr.conf",
    });
    expect(result).toEqual({
      exitCode: 0,
      output: "NOTICE: switchover was successful\nNOTICE: node 1 unpaused",
    });
    expect(steps).toEqual([
      { sql: ["ALTER SYSTEM SET synchronous_standby_names = ''", "SELECT pg_reload_conf()"] },
      {
        repmgr: [
          "standby",
          "switchover",
          "--remote-config-file=/etc/pgaas/orders/n1/repmgr.conf",
          "--force-rewind",
        ],
        timeoutMs: 300_000,
      },
      { repmgr: ["service", "unpause"], timeoutMs: 30_000 },
    ]);
  });

  it("stops at a failed switchover and reports its exit code and output", async () => {
    const { host, steps } = recordingHost([
      { exitCode: 6, output: "ERROR: unable to connect to the primary" },
    ]);
    expect(await standbySwitchover(host, { timeoutMs: 1000 })).toEqual({
      exitCode: 6,
      output: "ERROR: unable to connect to the primary",
    });
    expect(steps).toEqual([
      { sql: ["ALTER SYSTEM SET synchronous_standby_names = ''", "SELECT pg_reload_conf()"] },
      { repmgr: ["standby", "switchover", "--force-rewind"], timeoutMs: 1000 },
    ]);
  });

  it("reports a failed unpause: repmgrd left paused would never fail over", async () => {
    const { host } = recordingHost([
      { exitCode: 0, output: "" },
      { exitCode: 1, output: "ERROR: unable to unpause node 2" },
    ]);
    expect(await standbySwitchover(host, { timeoutMs: 1000 })).toEqual({
      exitCode: 1,
      output: "ERROR: unable to unpause node 2",
    });
  });
});
