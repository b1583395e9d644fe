// Synchronous replication at run time: wait until a standby streams, then `ANY 1 (n1, n2)`; never
// before: with no standby to confirm, every commit would block (even `repmgr primary register`).
// The hooks on the nodes do the same on repmgr events.
import { UnavailableError } from "@pgaas/common";
import type { SqlTarget } from "../member-commands.js";
import type { PairSpec } from "../spec.js";
import {
  type PairNodeNames,
  RELOAD_SQL,
  setSynchronousStandbyNamesSql,
  streamingStandbysSql,
  synchronousStandbyNames,
} from "../sql/sync-sql.js";

/** What the sync steps need of a pair spec (the agent knows only this much of it). */
export interface SyncSpec extends PairNodeNames {
  readonly replication: Pick<PairSpec["replication"], "mode">;
}

export async function waitForStreaming(
  spec: SyncSpec,
  primary: SqlTarget,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; Date.now() < deadline && attempt < 1000; attempt += 1) {
    if (Number(await primary.sql(streamingStandbysSql(spec), "wait-streaming")) >= 1) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new UnavailableError(`no standby streams from ${primary.name} after ${timeoutMs} ms`, {
    code: "standby_not_streaming",
  });
}

/** Sets synchronous_standby_names to what the mode wants; returns whether it had to change. */
export async function ensureSync(spec: SyncSpec, primary: SqlTarget): Promise<{ changed: boolean }> {
  const wanted = spec.replication.mode === "synchronous" ? synchronousStandbyNames(spec) : "";
  const current = await primary.sql("SHOW synchronous_standby_names", "sync");
  if (current === wanted) return { changed: false };
  await primary.sql(`${setSynchronousStandbyNamesSql(wanted)};\n${RELOAD_SQL};\n`, "sync");
  return { changed: true };
}
