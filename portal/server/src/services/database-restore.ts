// Restore of one database as of a point in time into a new database, through the primary's agent
// (the control plane holds no SSH keys; the engine's restore runs on the primary's host). The target
// is checked against the pair's reported inventory before anything is created; then the new owner
// role is created, the record is written as `restoring` with the agent command in one transaction,
// and the agent's result makes it `active`, or `restore_failed` with the database and role dropped.
import type { CreateDatabaseResponse, RestoreDatabaseRequest } from "@pgaas/api";
import {
  ConflictError,
  ForbiddenError,
  InputError,
  type Logger,
  NotFoundError,
  PgaasError,
} from "@pgaas/common";
import { checkRestoreTarget, type RestoreParameters } from "@pgaas/common/wire";
import { scramVerifier } from "../crypto/scram.js";
import { newPassword } from "../crypto/tokens.js";
import { createTenantRoleSql, dropRoleSql } from "../managed/database-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import { enqueueAgentCommand, failAbandonedRestoreCommands } from "../store/agent-commands.js";
import { findBackupInventory } from "../store/backup-inventory.js";
import { insertRestoringDatabase, recordRestoreResult, toDatabase } from "../store/databases.js";
import type { Store } from "../store/db.js";
import { insertEvent } from "../store/events.js";
import { nodeIdByName } from "../store/nodes.js";
import { isAdmin, type UserActor } from "./actor.js";
import { credentialsReply, type Databases, pairEndpoint, refuseTakenName } from "./databases.js";
import type { Pairs } from "./pairs.js";

export interface DatabaseRestores {
  restore(actor: UserActor, id: string, request: RestoreDatabaseRequest): Promise<CreateDatabaseResponse>;
  /**
   * After a failed restore command: drops the owner role this restore created. The database is the
   * engine's to drop (it drops only one it created): a database of that name that existed before,
   * which made the restore fail, is never touched.
   */
  undo(databaseId: string): Promise<void>;
  /**
   * Fails restores whose agent never answered (restarted mid-restore, host gone) once no restore can
   * still be running, and undoes them like a failed one; returns how many.
   */
  failAbandoned(now?: Date): Promise<number>;
}

/** Longer than the engine's own limits together (restore 1 h, recovery 10 min, copy 1 h). */
const ABANDONED_AFTER_MS = 3 * 3_600_000;

interface RestoreSource {
  readonly state: string;
  readonly deleted_at: Date | null;
  readonly created_at: Date;
}

/** The target a restore of this record aims at: the request's time, or a deleted database's deletion point. */
function targetOf(source: RestoreSource, request: RestoreDatabaseRequest): string | undefined {
  const deletedAt = source.state === "deleted" ? source.deleted_at : null;
  if (request.time === undefined) return deletedAt?.toISOString();
  if (deletedAt !== null && Date.parse(request.time) > deletedAt.getTime()) {
    throw new InputError(`the database was deleted at ${deletedAt.toISOString()}: restore a time before it`, {
      code: "restore_time_after_deletion",
      details: { deletedAt: deletedAt.toISOString() },
    });
  }
  return request.time;
}

export function createDatabaseRestores(
  store: Store,
  pairs: Pairs,
  databases: Databases,
  logger: Logger,
  clock: () => Date = () => new Date(),
): DatabaseRestores {
  const check = async (pairId: string, source: RestoreSource, request: RestoreDatabaseRequest) => {
    const time = targetOf(source, request);
    const inventory = (await findBackupInventory(store, pairId))?.inventory;
    if (inventory === undefined) {
      throw new ConflictError("the pair has reported no backup repository: configure backups on the pair", {
        code: "backups_not_configured",
      });
    }
    const target = {
      ...(time !== undefined ? { time } : {}),
      ...(request.backup ? { backup: request.backup } : {}),
    };
    try {
      checkRestoreTarget(inventory, target, clock());
    } catch (error) {
      // The deletion point itself is too old: the backups that reached it have expired.
      if (
        request.time === undefined &&
        source.state === "deleted" &&
        error instanceof PgaasError &&
        error.code === "restore_time_before_oldest_backup"
      ) {
        throw new ConflictError(`the deletion is no longer restorable: ${error.message}`, {
          code: "deletion_outside_retention",
          ...(error.details ? { details: error.details } : {}),
        });
      }
      throw error;
    }
    // Inside the range but before the database existed: the restore would find nothing to copy.
    if (time !== undefined && Date.parse(time) < source.created_at.getTime()) {
      throw new InputError(`the database was created at ${source.created_at.toISOString()}`, {
        code: "restore_time_before_creation",
        details: { createdAt: source.created_at.toISOString() },
      });
    }
    return time;
  };

  const undo = async (databaseId: string): Promise<void> => {
    const found = await databases.row(databaseId);
    await onPrimary(await pairs.access(found.pair_id), {
      database: "postgres",
      idempotent: true,
      async run(client) {
        await client.query(dropRoleSql(found.owner));
      },
    }).catch((error: unknown) => {
      logger.error("could not drop the owner role of a failed restore; remove it by hand", {
        database: found.name,
        owner: found.owner,
        error: (error as Error).message,
      });
    });
  };

  return {
    async restore(actor, id, request) {
      const source = await databases.row(id);
      // Members learn nothing about databases they cannot see: same answer as a missing one.
      if (!(await databases.canSee(actor, source)))
        throw new NotFoundError("database not found", { code: "database_not_found" });
      // A restore is a full copy owned by whoever asks: a grant (even read-only) is not enough.
      if (!isAdmin(actor) && source.created_by !== actor.id)
        throw new ForbiddenError("only the database's owner or an admin may restore it");
      if (source.state !== "active" && source.state !== "deleted") {
        throw new ConflictError(`a database in state ${source.state} cannot be restored`, {
          code: "database_not_restorable",
        });
      }
      const owner = request.owner ?? request.newName;
      const pair = await pairs.access(source.pair_id);
      await refuseTakenName(store, source.pair_id, request.newName, owner, request.owner !== undefined);
      const time = await check(source.pair_id, source, request);

      const password = newPassword();
      const primary = await onPrimary(pair, {
        database: "postgres",
        idempotent: false,
        async run(client, node) {
          try {
            await client.query(createTenantRoleSql(owner, scramVerifier(password)));
          } catch (error) {
            if ((error as { code?: string }).code === "42710") {
              throw new ConflictError("the role already exists on the server", {
                code: "database_exists",
                cause: error,
              });
            }
            throw error;
          }
          return node.nodeName;
        },
      });
      const parameters: RestoreParameters = {
        database: source.name,
        newName: request.newName,
        owner,
        ...(time !== undefined ? { time } : {}),
        ...(request.backup ? { backup: request.backup } : {}),
      };
      let createdId: string;
      try {
        createdId = await store.transaction(async (db) => {
          const nodeId = await nodeIdByName(db, source.pair_id, primary);
          if (nodeId === undefined) throw new Error(`primary ${primary} is not a node of the pair`);
          const { id: commandId } = await enqueueAgentCommand(db, {
            pairId: source.pair_id,
            nodeId,
            type: "restore",
            requestedBy: actor.id,
            parameters: { restore: parameters },
          });
          const databaseId = await insertRestoringDatabase(db, {
            pairId: source.pair_id,
            name: request.newName,
            owner,
            createdBy: actor.id,
            restoredFrom: source.id,
            restoreTarget: time ?? null,
            restoreCommandId: commandId,
          });
          await insertEvent(db, {
            pairId: source.pair_id,
            nodeName: primary,
            type: "restore_requested",
            message: `restore of ${source.name} as of ${time ?? "the latest archived state"} into ${request.newName} requested on ${primary}`,
            occurredAt: clock(),
            durationMs: null,
            details: { databaseId, sourceDatabaseId: source.id, target: time ?? null, commandId },
          });
          return databaseId;
        });
      } catch (error) {
        // Nothing else uses the role: it was created a moment ago for this restore.
        await onPrimary(pair, {
          database: "postgres",
          idempotent: true,
          run: (client) => client.query(dropRoleSql(owner)),
        }).catch((undoError: unknown) => {
          logger.error("could not drop the owner role of a refused restore; remove it by hand", {
            owner,
            error: (undoError as Error).message,
          });
        });
        throw error;
      }
      return {
        database: toDatabase(await databases.row(createdId)),
        ...credentialsReply(pairEndpoint(pair.pair), owner, password, request.newName),
      };
    },

    async failAbandoned(now = clock()) {
      const message = `no result from the primary's agent within ${ABANDONED_AFTER_MS / 3_600_000} hours`;
      const abandoned = await store.transaction(async (db) => {
        const rows = await failAbandonedRestoreCommands(db, now, message, ABANDONED_AFTER_MS / 1000);
        for (const row of rows) {
          await recordRestoreResult(db, row.commandId, false, message);
          await insertEvent(db, {
            pairId: row.pairId,
            nodeName: null,
            type: "restore_failed",
            message: `restore into ${row.name} failed: ${message}`,
            occurredAt: now,
            durationMs: null,
            details: { databaseId: row.databaseId, commandId: row.commandId },
          });
        }
        return rows.map((row) => row.databaseId);
      });
      for (const id of abandoned) await undo(id);
      return abandoned.length;
    },

    undo,
  };
}
