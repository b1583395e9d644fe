// Runs a command the control plane sent, on this host (the control plane holds no SSH keys):
// switchover, backup, restore of one database, restore check of the newest backup, pooled databases,
// a look at the whole pair as of a point in time.
// Contract: never throws; every outcome, including refusal, is an AgentCommandResult.
import type { AgentCommand, AgentCommandResult, NodeRole } from "@pgaas/common/wire";
import type { BackupRepository } from "../backup/backup-repository.js";
import type { BackupVerifier } from "../backup/backup-verifier.js";
import type { DatabaseRestorer } from "../backup/database-restore.js";
import type { PointInTimeDescriber } from "../backup/point-in-time-describer.js";
import type { PooledDatabases } from "../pooler/pooled-databases.js";
import type { Repmgr } from "../repmgr/repmgr.js";

export interface CommandRunner {
  run(command: AgentCommand, role: NodeRole): Promise<AgentCommandResult>;
}

const MAX_MESSAGE = 4000;

/** What runs each command beside repmgr; an absent or null one refuses its commands with a stable code. */
export interface CommandHandlers {
  readonly clock?: () => number;
  readonly backups?: BackupRepository | null;
  readonly restorer?: DatabaseRestorer | null;
  readonly verifier?: BackupVerifier | null;
  readonly pooler?: PooledDatabases | null;
  readonly describer?: PointInTimeDescriber | null;
}

export function repmgrCommandRunner(repmgr: Repmgr, handlers: CommandHandlers = {}): CommandRunner {
  const {
    clock = Date.now,
    backups = null,
    restorer = null,
    verifier = null,
    pooler = null,
    describer = null,
  } = handlers;
  return {
    async run(command, role) {
      const startedAt = new Date(clock()).toISOString();
      const finish = (outcome: AgentCommandResult["outcome"], message: string): AgentCommandResult => ({
        outcome,
        startedAt,
        finishedAt: new Date(clock()).toISOString(),
        // The end of the output is where repmgr or pgBackRest says what went wrong.
        message: message.length > MAX_MESSAGE ? message.slice(-MAX_MESSAGE) : message,
      });
      switch (command.type) {
        case "switchover": {
          if (role !== "standby") {
            return finish("failed", `switchover runs on the standby; this node is ${role}`);
          }
          try {
            const { exitCode, output } = await repmgr.standbySwitchover();
            return exitCode === 0
              ? finish("succeeded", output || "switchover completed")
              : finish("failed", `repmgr standby switchover exited ${exitCode}: ${output}`);
          } catch (error) {
            return finish("failed", `repmgr standby switchover could not run: ${(error as Error).message}`);
          }
        }
        case "backup": {
          const type = command.backupType ?? "full";
          if (backups === null) return finish("failed", "this pair has no backups configured");
          if (role !== "primary")
            return finish("failed", `backups are started by the primary; this node is ${role}`);
          const { exitCode, output } = await backups.take(type);
          return exitCode === 0
            ? finish("succeeded", `${type} backup completed`)
            : finish("failed", `pgbackrest ${type} backup exited ${exitCode}: ${output}`);
        }
        case "restore": {
          if (restorer === null) return finish("failed", "this pair has no backups configured");
          if (role !== "primary")
            return finish("failed", `restores run on the primary; this node is ${role}`);
          if (command.restore === undefined) return finish("failed", "restore command without parameters");
          const { ok, message } = await restorer.restore(command.restore);
          return finish(ok ? "succeeded" : "failed", message);
        }
        case "verify_backup": {
          if (verifier === null) {
            return finish("failed", "no_backups_configured: this pair has no backups configured");
          }
          // Where to run is the control plane's choice (the standby when one streams); a node whose
          // PostgreSQL is down or unknown may be in the middle of a failover: not now.
          if (role !== "primary" && role !== "standby") {
            return finish(
              "failed",
              `node_not_ready: restore checks run on a primary or standby; this node is ${role}`,
            );
          }
          const { ok, message } = await verifier.verify();
          return finish(ok ? "succeeded" : "failed", message);
        }
        case "describe_point_in_time": {
          if (describer === null) {
            return finish("failed", "no_backups_configured: this pair has no backups configured");
          }
          // Like a restore check: the control plane picks the node (the standby when one streams).
          if (role !== "primary" && role !== "standby") {
            return finish(
              "failed",
              `node_not_ready: looks at a point in time run on a primary or standby; this node is ${role}`,
            );
          }
          const { ok, message } = await describer.describe(command.pointInTime ?? {}, role);
          return finish(ok ? "succeeded" : "failed", message);
        }
        case "set_pooled_databases": {
          // Both nodes, whatever their role: the standby's PgBouncer serves as soon as it is promoted.
          if (pooler === null) return finish("failed", "pooler_not_configured: this pair runs no PgBouncer");
          if (command.pooledDatabases === undefined) {
            return finish("failed", "set_pooled_databases command without a database list");
          }
          try {
            const { ok, message } = await pooler.set(command.pooledDatabases);
            return finish(ok ? "succeeded" : "failed", message);
          } catch (error) {
            return finish("failed", `pooled databases not written: ${(error as Error).message}`);
          }
        }
        default: {
          const never: never = command.type;
          return finish("failed", `unknown command type ${String(never)}`);
        }
      }
    },
  };
}
