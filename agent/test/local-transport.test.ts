// The agent's local transport runs the engine's command lines on its own host: `runuser -u <itself>`
// becomes a plain exec (also in a bash the command starts, as the restore's copy pipeline does),
// a non-zero exit throws the SSH session's error, a timeout ends the command.
import { SshCommandError, SshTimeoutError } from "@pgaas/engine/self-heal";
import { describe, expect, it } from "vitest";
import { localTransport } from "../src/heal/local-transport.js";

const transport = localTransport("n1");

describe("local transport", () => {
  it("runs runuser to the agent's own user directly, in a bash the command starts too", async () => {
    const direct = await transport.runChecked('runuser -u "$(id -un)" -- echo direct', { step: "direct" });
    // The agent runs as postgres, where the real runuser refuses: a nested bash must see the shim.
    const nested = await transport.runChecked("bash -o pipefail -c 'type -t runuser'", { step: "nested" });
    expect([direct.stdout, nested.stdout]).toEqual(["direct\n", "function\n"]);
  });

  it("throws on a non-zero exit with the step and the output, and on a timeout", async () => {
    const failed = await transport.runChecked("echo why >&2; exit 3", { step: "n1.fails" }).catch((e) => e);
    expect(failed).toBeInstanceOf(SshCommandError);
    expect([
      failed.message.startsWith("n1: n1.fails: command failed (exit 3)"),
      failed.message.includes("why"),
    ]).toEqual([true, true]);
    const slow = await transport.runChecked("sleep 5", { step: "slow", timeoutMs: 200 }).catch((e) => e);
    expect(slow).toBeInstanceOf(SshTimeoutError);
  });
});
