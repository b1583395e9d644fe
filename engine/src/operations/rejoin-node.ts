// Turns a former primary (or a broken standby) into a streaming standby of `primary`: pg_rewind through
// `repmgr node rejoin --force-rewind`, falling back to wipe + fresh clone. The fence marker is cleared
// only once the node streams, so it can never come up as a primary in between. The engine runs it
// over SSH; the node's own agent runs it locally (automatic rejoin) against the primary over libpq.

import { type StepOutcome, startPostgres, streamsFrom, waitFor } from "../bootstrap/postgres-steps.js";
import {
  markDataCompleteCommand,
  pgServiceCommand,
  removeFenceMarkerCommand,
  wipeDataDirCommand,
} from "../commands/pg-commands.js";
import {
  nodeRejoinCommand,
  standbyCloneCommand,
  standbyRegisterCommand,
} from "../commands/repmgr-commands.js";
import type { MemberCommands, SqlTarget } from "../member-commands.js";
import { ensurePhysicalSlotSql, replicationSlotName } from "../sql/slot-sql.js";
import { repmgrdWatchedNode } from "../sql/status-sql.js";
import { SshCommandError } from "../ssh/errors.js";

/** How long a standby started as it is gets to stream before the rewind path takes over. */
const RESTART_STREAMING_TIMEOUT_MS = 30_000;

export async function rejoinNode(primary: SqlTarget, node: MemberCommands): Promise<StepOutcome> {
  const inspection = await node.inspect();
  // A stopped standby (its PostgreSQL crashed or was killed) usually only needs starting: with
  // standby.signal it cannot accept a write, and it streams again if it is on the primary's history.
  if (!inspection.running && inspection.complete && inspection.standbySignal) {
    const streams = await startPostgres(node)
      .then(() =>
        waitFor(
          `${node.name} streaming from ${primary.name}`,
          () => streamsFrom(primary, node),
          RESTART_STREAMING_TIMEOUT_MS,
        ),
      )
      .then(
        () => true,
        () => false,
      );
    if (streams) return finishRejoin(node, "restart as standby");
  }
  const current = await node.inspect();
  if (current.running) await node.sh(pgServiceCommand(node.member.layout, "stop"), "rejoin-stop", 150_000);
  // Right after a promotion the new primary's control file still names the old timeline until its
  // first checkpoint; pg_rewind would then see "same timeline, no rewind required" and the node could
  // never follow. A checkpoint first makes the divergence visible.
  await primary.sql("CHECKPOINT", "rejoin-checkpoint");
  let method = "pg_rewind";
  try {
    await node.sh(nodeRejoinCommand(node.member, primary.member), "rejoin", 180_000);
  } catch (error) {
    if (!(error instanceof SshCommandError)) throw error;
    method = "fresh clone";
    await node.sh(`${pgServiceCommand(node.member.layout, "stop")} || true`, "rejoin-stop", 150_000);
    await node.sh(wipeDataDirCommand(node.member.layout), "rejoin-wipe");
    await node.sh(standbyCloneCommand(node.member, primary.member), "rejoin-clone", 600_000);
    await node.sh(markDataCompleteCommand(node.member.layout), "rejoin-clone");
    await startPostgres(node);
  }
  await primary.sql(ensurePhysicalSlotSql(replicationSlotName(node.member)), "rejoin-slot");
  await waitFor(`${node.name} streaming from ${primary.name}`, () => streamsFrom(primary, node), 60_000);
  return finishRejoin(node, method);
}

/** How long repmgrd gets to monitor a rejoined standby: it checks its upstream every second. */
const REPMGRD_WATCH_TIMEOUT_MS = 30_000;

/**
 * Resolves once the node's repmgrd monitors it as the standby of `primary` (saw it within 2 s). Until
 * then a rejoined node is not protection: a repmgrd still in the old primary's degraded monitoring would
 * never promote it if that primary failed next.
 */
export async function waitForRepmgrdWatching(
  node: SqlTarget,
  primary: SqlTarget,
  timeoutMs = REPMGRD_WATCH_TIMEOUT_MS,
): Promise<void> {
  await waitFor(
    `${node.name}'s repmgrd monitoring ${primary.name} as its upstream`,
    async () => (await repmgrdWatchedNode(node, 2, "repmgrd-watching")) === primary.member.id,
    timeoutMs,
  );
}

/** Registered as the primary's standby and unfenced, once it streams. */
async function finishRejoin(node: MemberCommands, method: string): Promise<StepOutcome> {
  await node.sh(standbyRegisterCommand(node.member, true), "rejoin-register");
  await node.sh(removeFenceMarkerCommand(node.member.layout), "rejoin-unfence");
  return { changed: true, detail: `rejoined by ${method}` };
}
