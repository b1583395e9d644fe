// Shared by the pair system tests: the lab pair (spec and hosts from the engine), a progress printer,
// a log dump for failures and the removal of what a killed earlier run left.
import { rm } from "node:fs/promises";
import { type PairSpec, type ProgressEvent, pairBackupRoots, pairRoots } from "@pgaas/engine";
import { saveLogs } from "./drill.js";

export { LAB_PAIR_HOSTS as LAB_HOSTS, labPairHosts, labPairSpec } from "@pgaas/engine/testing";

export function printProgress(event: ProgressEvent): void {
  if (event.status === "start") return;
  const mark = event.changed ? "changed" : event.status;
  process.stdout.write(
    `  ${event.step.padEnd(14)} ${event.host.padEnd(5)} ${mark.padEnd(8)} ${String(event.durationMs).padStart(6)} ms ${event.detail ?? ""}\n`,
  );
}

/** On failure: the tail of every member's logs, so a broken run explains itself. */
export async function dumpLogs(spec: PairSpec): Promise<void> {
  const { readFile, readdir } = await import("node:fs/promises");
  for (const member of [...spec.nodes.map((n) => n.name), spec.witness.name]) {
    const dir = `/var/log/pgaas/${spec.name}/${member}`;
    const files = await readdir(dir).catch(() => [] as string[]);
    for (const file of files) {
      const text = await readFile(`${dir}/${file}`, "utf8").catch(() => "");
      process.stdout.write(`----- ${dir}/${file}\n${text.split("\n").slice(-25).join("\n")}\n`);
    }
  }
  // The tails above rarely hold the cause; the whole logs outlive the teardown that follows.
  const saved = await saveLogs(spec, `failed/${spec.name}-${Date.now()}`);
  process.stdout.write(`----- full logs in ${saved}\n`);
}

/**
 * What a killed earlier run of this pair name left on the lab hosts' shared filesystem (its teardown
 * never ran): the pair's directories and its local backup repository, whose cipher key died with that
 * run, so this run's stanza could not be created over it.
 */
export async function removePairLeftovers(spec: PairSpec): Promise<void> {
  for (const root of [...pairRoots(spec.name), ...pairBackupRoots(spec)]) {
    await rm(root, { recursive: true, force: true });
  }
}
