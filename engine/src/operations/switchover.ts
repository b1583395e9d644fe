// Planned switchover: the streaming standby becomes primary and the old primary its standby
// (`repmgr standby switchover`), then the witness is re-registered against the new primary
// (`--siblings-follow` would need SSH to the witness host) and synchronous replication is turned back on.
// The witness's repmgrd would find the new primary by itself within witness_sync_interval (2 s, as after
// a switchover an agent runs); over SSH the engine re-points it at once instead of leaving that window.
import { ConflictError, STANDBY_STREAMS_SQL, standbySwitchover } from "@pgaas/common";
import { endpointAcceptsWrite } from "../bootstrap/bootstrap.js";
import { registerWitness, streamsFrom, waitFor } from "../bootstrap/postgres-steps.js";
import type { PairHosts } from "../hosts.js";
import { openPairSessions } from "../pair-sessions.js";
import { planWitnessFiles } from "../plan-files.js";
import { type ProgressListener, StepRunner, type StepTiming } from "../progress.js";
import { repmgrRunner } from "../repmgr-runner.js";
import type { PairSecrets } from "../secrets.js";
import { repmgrdService } from "../service-defs.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";
import { ensureSync, waitForStreaming } from "./sync.js";

export interface SwitchoverResult {
  readonly oldPrimary: string;
  readonly newPrimary: string;
  readonly durationMs: number;
  readonly steps: readonly StepTiming[];
}

export async function switchover(
  spec: PairSpec,
  hosts: PairHosts,
  secrets: PairSecrets,
  options: { onProgress?: ProgressListener; sshPool?: SshPool } = {},
): Promise<SwitchoverResult> {
  const started = performance.now();
  const runner = new StepRunner(options.onProgress);
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    const states = await Promise.all(
      pair.nodes.map(async (s) => ({ s, state: await s.state().catch(() => null) })),
    );
    const primary = states.find((o) => o.state && !o.state.inRecovery)?.s;
    if (!primary) throw new ConflictError("switchover needs a running primary", { code: "no_primary" });
    const candidate = pair.peer(primary.name);
    if (!(await streamsFrom(primary, candidate))) {
      throw new ConflictError(`${candidate.name} does not stream from ${primary.name}: rejoin it first`, {
        code: "standby_not_streaming",
      });
    }
    await runner.run("switchover", candidate.name, async () => {
      const repmgr = repmgrRunner(candidate, "switchover");
      const outcome = await standbySwitchover(
        {
          sql: async (statements) => {
            await candidate.sql(`${statements.join(";\n")};\n`, "switchover-prepare");
          },
          repmgr,
          demotedStreams: async () =>
            (await candidate.sql(STANDBY_STREAMS_SQL, "switchover-demoted-streams")) === "t",
        },
        // A switchover takes seconds; a hung one fails with its logs well inside a caller's own bounds.
        { timeoutMs: 120_000 },
      );
      const failure = repmgr.lastFailure();
      if (outcome.exitCode !== 0 && failure) throw failure;
      return { changed: true };
    });
    await runner.run("witness", pair.witness.name, async () => {
      await registerWitness(pair.witness, candidate, true);
      const files = planWitnessFiles(spec, secrets);
      await pair.witness.services.restart(repmgrdService(pair.witness.member, files));
      return { changed: true, detail: `registered against ${candidate.name}, repmgrd restarted` };
    });
    await runner.run("sync", candidate.name, async () => {
      await waitForStreaming(spec, candidate);
      return ensureSync(spec, candidate);
    });
    await runner.run("endpoint", "pair", async () => {
      await waitFor(
        "the endpoint to accept a write",
        () => endpointAcceptsWrite(spec, candidate),
        60_000,
        100,
      );
      return { changed: false };
    });
    return {
      oldPrimary: primary.name,
      newPrimary: candidate.name,
      durationMs: Math.round(performance.now() - started),
      steps: runner.timings,
    };
  } finally {
    await pair.close();
  }
}
