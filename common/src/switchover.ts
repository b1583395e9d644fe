// A planned switchover as repmgr runs it on the standby that becomes primary: synchronous replication
// off, `repmgr standby switchover`, repmgrd unpaused. The one implementation of these steps: the pair
// engine runs it over SSH, the agent on its own host; each says how to run SQL and repmgr there.

export interface CommandOutput {
  readonly exitCode: number;
  readonly output: string;
}

export interface SwitchoverHost {
  /** Runs the statements, in order, on the candidate's local server. */
  sql(statements: readonly string[]): Promise<void>;
  /** Runs `repmgr -f <the candidate's repmgr.conf> <args…>` as the postgres user. */
  repmgr(args: readonly string[], timeoutMs: number): Promise<CommandOutput>;
  /** True once a standby (the demoted primary) streams from the candidate, now the primary. */
  demotedStreams(): Promise<boolean>;
}

/** SQL for `demotedStreams`, run on the new primary: 't' once a standby streams from it. */
export const STANDBY_STREAMS_SQL =
  "SELECT EXISTS (SELECT FROM pg_catalog.pg_stat_replication WHERE state = 'streaming')";

/**
 * The promoted node must not come up as a primary that waits for a standby that does not stream yet;
 * synchronous replication is turned back on once the old primary streams from it.
 */
export const SWITCHOVER_PREPARE_SQL = [
  "ALTER SYSTEM SET synchronous_standby_names = ''",
  "SELECT pg_reload_conf()",
] as const;

/**
 * No `--siblings-follow`: with a witness it needs SSH to the witness host, which is re-registered
 * instead. repmgr finds the old primary's repmgr.conf from its node record; the agent names it
 * (`remoteConfigFile`) because paths differ per node.
 */
export function standbySwitchoverArgs(remoteConfigFile?: string): string[] {
  return [
    "standby",
    "switchover",
    ...(remoteConfigFile === undefined ? [] : [`--remote-config-file=${remoteConfigFile}`]),
    "--force-rewind",
  ];
}

/** A switchover pauses repmgrd on both nodes; monitoring resumes only after this. */
export const SERVICE_UNPAUSE_ARGS = ["service", "unpause"] as const;
/** Before a planned restart of a node: repmgrd must not take it for a failure. */
export const SERVICE_PAUSE_ARGS = ["service", "pause"] as const;

/** All unpause attempts together end within this; each gets what is left of it. */
const UNPAUSE_WITHIN_MS = 30_000;

/**
 * The demoted node may still be starting as a standby when repmgr returns, and `service unpause` then
 * cannot reach it; it is asked again, a bounded number of times within a bounded time, before the
 * outcome is reported.
 */
export const UNPAUSE_ATTEMPTS = 10;
const UNPAUSE_RETRY_DELAY_MS = 1_000;

/** How long the unpause waits for the demoted node to stream, and how often it looks. */
const DEMOTED_STREAMING_WITHIN_MS = 30_000;
const DEMOTED_POLL_MS = 250;

/** `repmgr service unpause`, asked again (bounded in count and time) while a node cannot be reached yet. */
export async function unpauseRepmgrd(
  repmgr: SwitchoverHost["repmgr"],
  retryDelayMs = UNPAUSE_RETRY_DELAY_MS,
): Promise<CommandOutput> {
  const deadline = Date.now() + UNPAUSE_WITHIN_MS;
  let unpause = await repmgr(SERVICE_UNPAUSE_ARGS, UNPAUSE_WITHIN_MS);
  for (
    let attempt = 1;
    unpause.exitCode !== 0 && attempt < UNPAUSE_ATTEMPTS && Date.now() + retryDelayMs < deadline;
    attempt++
  ) {
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
    unpause = await repmgr(SERVICE_UNPAUSE_ARGS, Math.max(1000, deadline - Date.now()));
  }
  return unpause;
}

/** Resolves with the exit code and output of the step that decided the outcome. */
export async function standbySwitchover(
  host: SwitchoverHost,
  options: {
    readonly timeoutMs: number;
    readonly remoteConfigFile?: string;
    /** Between unpause attempts and between looks at the demoted node; tests pass 0. */
    readonly retryDelayMs?: number;
  },
): Promise<CommandOutput> {
  await host.sql(SWITCHOVER_PREPARE_SQL);
  const switchover = await host.repmgr(standbySwitchoverArgs(options.remoteConfigFile), options.timeoutMs);
  if (switchover.exitCode !== 0) return switchover;
  // Unpaused while the demoted node is still starting, every repmgrd sees its primary gone: the witness
  // then waits a minute for a new-primary notice that a switchover never sends, and the new primary's
  // repmgrd runs an election. Unpaused once the demoted node streams, they see the new roles instead.
  // Bounded: a repmgrd left paused would never fail over, so the unpause comes either way.
  const deadline = Date.now() + DEMOTED_STREAMING_WITHIN_MS;
  while (Date.now() < deadline && !(await host.demotedStreams().catch(() => false))) {
    await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? DEMOTED_POLL_MS));
  }
  const unpause = await unpauseRepmgrd(host.repmgr, options.retryDelayMs);
  return {
    exitCode: unpause.exitCode,
    output: [switchover.output, unpause.output].filter((text) => text.length > 0).join("\n"),
  };
}
