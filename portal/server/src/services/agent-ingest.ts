// Agent reports: de-duplicated by report id, the latest state kept per node, raw samples appended,
// role/sync/fence changes and disk crossings turned into events; pending commands returned with the
// acknowledgement.

import type { PairEventType } from "@pgaas/api";
import { ConflictError, ForbiddenError, InputError, NotFoundError } from "@pgaas/common";
import {
  type AgentCommand,
  type AgentCommandResult,
  type AgentReportAck,
  type AgentReportBatch,
  parsePointInTimeMessage,
  parseRestoreCheckMessage,
  type StateReport,
} from "@pgaas/common/wire";
import { lockCommand, recordCommandResult } from "../store/agent-commands.js";
import {
  type IngestRow,
  peerWritableContext,
  storeHealEvent,
  storeMetrics,
  storeState,
} from "../store/agent-reports.js";
import { storeBackupInventory } from "../store/backup-inventory.js";
import { recordRestoreResult } from "../store/databases.js";
import type { Queryable, Store } from "../store/db.js";
import { insertEvent } from "../store/events.js";
import { insertSlowQueries } from "../store/slow-queries.js";
import type { AgentActor } from "./actor.js";
import type { ClientCertificates } from "./client-certificates.js";
import { trackDiskUsage } from "./disk-alerts.js";
import { MAX_SAMPLE_CLOCK_SKEW_MS } from "./report-timing.js";
import { deriveEvents, type PreviousState } from "./state-events.js";

export interface AgentIngest {
  ingest(actor: AgentActor, batch: AgentReportBatch): Promise<AgentReportAck>;
  commandResult(actor: AgentActor, commandId: string, result: AgentCommandResult): Promise<void>;
}

/** Turns a state change into events; runs only when the stored state actually moved. */
async function recordEvents(
  db: Queryable,
  actor: AgentActor,
  report: StateReport,
  stored: NonNullable<IngestRow["previous"]>,
): Promise<void> {
  const sampledAt = new Date(report.sampledAt);
  const previous: PreviousState = {
    role: stored.role,
    writable: stored.writable,
    fenced: stored.fenced,
    syncState: stored.sync_state,
    sampledAt: new Date(stored.sampled_at),
  };
  if (previous.sampledAt >= sampledAt) return;
  let peerLastWritableAt: Date | null = null;
  let switchoverInFlight = false;
  if (!previous.writable && report.state.writable) {
    ({ peerLastWritableAt, switchoverInFlight } = await peerWritableContext(db, actor, sampledAt));
  }
  const events = deriveEvents(previous, report.state, {
    nodeName: actor.nodeName,
    sampledAt,
    peerLastWritableAt,
    switchoverInFlight,
  });
  for (const event of events) {
    await insertEvent(db, {
      ...event,
      pairId: actor.pairId,
      nodeName: actor.nodeName,
      occurredAt: sampledAt,
    });
  }
}

/** Refuses the whole batch before anything is stored: one agent's samples share one clock. */
function refuseFutureSamples(batch: AgentReportBatch, now: number): void {
  const future = batch.reports.find(
    (report) => Date.parse(report.sampledAt) - now > MAX_SAMPLE_CLOCK_SKEW_MS,
  );
  if (future === undefined) return;
  throw new InputError(
    `sampledAt is more than ${MAX_SAMPLE_CLOCK_SKEW_MS / 1000} s ahead of the control plane's clock: check the node's time synchronisation`,
    {
      code: "sampled_at_in_future",
      details: {
        reportId: future.reportId,
        sampledAt: future.sampledAt,
        serverTime: new Date(now).toISOString(),
      },
    },
  );
}

function resultEvent(
  type: AgentCommand["type"],
  parameters: { backupType?: string },
  nodeName: string,
  result: AgentCommandResult,
): { type: PairEventType; message: string; details?: Record<string, unknown> } {
  const ok = result.outcome === "succeeded";
  switch (type) {
    case "switchover":
      return {
        type: ok ? "switchover_succeeded" : "switchover_failed",
        message: ok
          ? `switchover to ${nodeName} succeeded`
          : `switchover to ${nodeName} failed: ${result.message}`,
      };
    case "restore":
      return {
        type: ok ? "restore_succeeded" : "restore_failed",
        message: ok
          ? `restore on ${nodeName}: ${result.message}`
          : `restore on ${nodeName} failed: ${result.message}`,
      };
    case "backup": {
      const kind = parameters.backupType ?? "full";
      return {
        type: ok ? "backup_succeeded" : "backup_failed",
        message: ok
          ? `${kind} backup taken by ${nodeName}`
          : `${kind} backup by ${nodeName} failed: ${result.message}`,
      };
    }
    case "verify_backup": {
      const passed = ok ? parseRestoreCheckMessage(result.message) : null;
      if (passed === null) {
        return {
          type: "restore_check_failed",
          message: `restore check on ${nodeName} failed: ${ok ? `unreadable result: ${result.message}` : result.message}`,
        };
      }
      return {
        type: "restore_check_succeeded",
        message: `restore check on ${nodeName}: backup ${passed.backup} restored, ${passed.databaseCount} databases answered`,
        details: { backup: passed.backup, databases: passed.databases, databaseCount: passed.databaseCount },
      };
    }
    case "describe_point_in_time": {
      const described = ok ? parsePointInTimeMessage(result.message) : null;
      if (described === null) {
        return {
          type: "point_in_time_failed",
          message: `look at the pair as of a point in time on ${nodeName} failed: ${ok ? `unreadable result: ${result.message}` : result.message}`,
        };
      }
      return {
        type: "point_in_time_described",
        message: `look at the pair as of a point in time on ${nodeName}: ${described.databaseCount} databases`,
        details: { databaseCount: described.databaseCount },
      };
    }
    case "set_pooled_databases":
      return {
        type: ok ? "pooling_applied" : "pooling_failed",
        message: ok
          ? `pooled databases on ${nodeName}: ${result.message}`
          : `pooled databases on ${nodeName} not applied: ${result.message}`,
      };
    default: {
      const never: never = type;
      throw new TypeError(`unknown command type ${String(never)}`);
    }
  }
}

/** What other services do when a command's result arrives, after it was stored. */
export interface CommandResultHooks {
  /** A restore failed: drop what it left on the primary (its record is restore_failed already). */
  restoreFailed(databaseId: string): Promise<void>;
}

export function createAgentIngest(
  store: Store,
  clock: () => number = Date.now,
  hooks: CommandResultHooks = { restoreFailed: async () => undefined },
  clientAuth: Pick<ClientCertificates, "staleBundle"> | null = null,
): AgentIngest {
  return {
    async ingest(actor, batch) {
      refuseFutureSamples(batch, clock());
      let accepted = 0;
      const commands: AgentCommand[] = [];
      for (const report of batch.reports) {
        const row =
          report.kind === "state"
            ? await storeState(store.pool, actor, report)
            : report.kind === "heal"
              ? await storeHealEvent(store.pool, actor, report)
              : await storeMetrics(store.pool, actor, report);
        accepted += row.fresh;
        commands.push(
          ...row.commands.map((command) => ({
            ...command,
            requestedAt: new Date(command.requestedAt).toISOString(),
          })),
        );
        if (report.kind === "state" && row.fresh === 1 && row.previous !== null)
          await recordEvents(store, actor, report, row.previous);
        if (report.kind === "metrics" && row.fresh === 1) {
          await trackDiskUsage(store, actor, report);
          if (report.backups !== undefined) {
            await storeBackupInventory(store, {
              pairId: actor.pairId,
              nodeName: actor.nodeName,
              sampledAt: report.sampledAt,
              inventory: report.backups,
            });
          }
          if (report.slowQueries !== undefined)
            await insertSlowQueries(store, actor.pairId, actor.nodeName, report.slowQueries);
        }
      }
      // An agent that manages client auth reports its version (null: none yet) in every state
      // sample; a stale one gets the pair's CA and CRL back with this acknowledgement.
      const reported = batch.reports.findLast(
        (report): report is StateReport =>
          report.kind === "state" && report.state.clientAuthVersion !== undefined,
      );
      const bundle =
        reported && clientAuth
          ? await clientAuth.staleBundle(actor.pairId, reported.state.clientAuthVersion ?? null)
          : undefined;
      return {
        accepted,
        duplicates: batch.reports.length - accepted,
        commands,
        ...(bundle ? { clientAuth: bundle } : {}),
      };
    },

    async commandResult(actor, commandId, result) {
      const failedRestore = await store.transaction(async (db) => {
        const command = await lockCommand(db, commandId);
        if (command === undefined)
          throw new NotFoundError("command not found", { code: "command_not_found" });
        if (command.nodeId !== actor.nodeId) throw new ForbiddenError("the command belongs to another node");
        if (command.state === "succeeded" || command.state === "failed") {
          throw new ConflictError("the command already has a result", { code: "command_finished" });
        }
        await recordCommandResult(db, commandId, result);
        const durationMs = Date.parse(result.finishedAt) - Date.parse(result.startedAt);
        const event = resultEvent(command.type, command.parameters, actor.nodeName, result);
        await insertEvent(db, {
          pairId: command.pairId,
          nodeName: actor.nodeName,
          type: event.type,
          message: event.message,
          occurredAt: new Date(result.finishedAt),
          durationMs: Math.max(0, durationMs),
          details: { ...event.details, commandId },
        });
        return command.type === "restore"
          ? recordRestoreResult(db, commandId, result.outcome === "succeeded", result.message)
          : null;
      });
      if (failedRestore !== null) await hooks.restoreFailed(failedRestore);
    },
  };
}
