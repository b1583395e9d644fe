// repmgr run on a member over its command transport, answering with the exit code instead of throwing,
// so callers can decide about a failed step (ask again, carry on) as the agent does on its own host.
import type { CommandOutput } from "@pgaas/common";
import { repmgrCommand } from "./commands/repmgr-commands.js";
import type { MemberCommands } from "./member-commands.js";
import { SshCommandError } from "./ssh/errors.js";

export interface RepmgrRunner {
  (args: readonly string[], timeoutMs: number): Promise<CommandOutput>;
  /** The last failed step with its host, step, exit code and stderr: what to throw when giving up. */
  lastFailure(): SshCommandError | undefined;
}

export function repmgrRunner(member: MemberCommands, step: string): RepmgrRunner {
  let lastFailure: SshCommandError | undefined;
  const run = async (args: readonly string[], timeoutMs: number): Promise<CommandOutput> => {
    try {
      return { exitCode: 0, output: await member.sh(repmgrCommand(member.member, args), step, timeoutMs) };
    } catch (error) {
      if (!(error instanceof SshCommandError)) throw error;
      lastFailure = error;
      return { exitCode: error.exitCode, output: error.stderrTail.trim() };
    }
  };
  return Object.assign(run, { lastFailure: () => lastFailure });
}
