import { describe, expect, it } from "vitest";
import {
  type CommandOutput,
  type SwitchoverHost,
  standbySwitchover,
  UNPAUSE_ATTEMPTS,
} from "../src/switchover.js";

/** Records every step; repmgr answers from `answers`, `demotedStreams` from `streaming` (then true). */
function recordingHost(
  answers: CommandOutput[],
  streaming: boolean[] = [],
): { host: SwitchoverHost; steps: unknown[] } {
  const steps: unknown[] = [];
  const host: SwitchoverHost = {
    async sql(statements) {
      steps.push({ sql: [...statements] });
    },
    async repmgr(args, timeoutMs) {
      steps.push({ repmgr: [...args], timeoutMs });
      return answers.shift() ?? { exitCode: 99, output: "unexpected call" };
    },
    async demotedStreams() {
      const streams = (streaming.shift() ?? true) as boolean;
      steps.push({ demotedStreams: streams });
      return streams;
    },
  };
  return { host, steps };
}

describe("standbySwitchover", () => {
  it("clears sync names, switches over naming the old primary's config, waits for the demoted node to stream, then unpauses repmgrd", async () => {
    const { host, steps } = recordingHost(
      [
        { exitCode: 0, output: "NOTICE: switchover was successful" },
        { exitCode: 0, output: "NOTICE: node 1 unpaused" },
      ],
      [false, false, true],
    );
    const result = await standbySwitchover(host, {
      timeoutMs: 300_000,
      remoteConfigFile: "/etc/pgaas/orders/n1/repmgr.conf",
      retryDelayMs: 0,
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
      { demotedStreams: false },
      { demotedStreams: false },
      { demotedStreams: true },
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

  it("asks again while the demoted node is still starting, then reports the unpause that worked", async () => {
    const { host, steps } = recordingHost([
      { exitCode: 0, output: "NOTICE: switchover was successful" },
      { exitCode: 26, output: "WARNING: unable to connect to node 1" },
      { exitCode: 26, output: "WARNING: unable to connect to node 1" },
      { exitCode: 0, output: "NOTICE: node 1 unpaused" },
    ]);
    expect(await standbySwitchover(host, { timeoutMs: 1000, retryDelayMs: 0 })).toEqual({
      exitCode: 0,
      output: "NOTICE: switchover was successful\nNOTICE: node 1 unpaused",
    });
    expect(steps.filter((step) => JSON.stringify(step).includes("unpause"))).toHaveLength(3);
  });

  it("reports an unpause that keeps failing: repmgrd left paused would never fail over", async () => {
    const { host, steps } = recordingHost([
      { exitCode: 0, output: "" },
      ...Array.from({ length: UNPAUSE_ATTEMPTS }, () => ({
        exitCode: 26,
        output: "ERROR: unable to unpause 1 node(s)",
      })),
    ]);
    expect(await standbySwitchover(host, { timeoutMs: 1000, retryDelayMs: 0 })).toEqual({
      exitCode: 26,
      output: "ERROR: unable to unpause 1 node(s)",
    });
    // sql, switchover, one look at the demoted node (it streams), then every unpause attempt.
    expect(steps).toHaveLength(3 + UNPAUSE_ATTEMPTS);
  });
});
