// Backups through the control plane, which holds no SSH keys: the primary's agent reports the
// inventory with its metrics (stored in backup_inventory) and takes a backup when it receives a
// `backup` command with a report acknowledgement; its result becomes a backup_succeeded/failed event.
import type { BackupRequest, BackupType, PairBackups } from "@pgaas/api";
import { ConflictError } from "@pgaas/common";
import type { BackupInventory } from "@pgaas/common/wire";
import type { Store } from "../store/db.js";
import { insertEvent, type Pairs } from "./pairs.js";

const LISTED_REQUESTS = 20;
/** A backup request the agent never answered (host gone, agent restarted mid-backup) stops blocking new ones. */
const ABANDONED_AFTER = "2 hours";

export interface Backups {
  list(pairId: string): Promise<PairBackups>;
  take(pairId: string, type: BackupType, requestedBy: string): Promise<BackupRequest>;
}

interface RequestRow {
  id: string;
  pair_id: string;
  node_name: string;
  backup_type: BackupType | null;
  state: BackupRequest["state"];
  requested_at: Date;
  finished_at: Date | null;
  message: string | null;
}

const REQUEST_COLUMNS = `c.id, c.pair_id, n.name AS node_name, c.parameters->>'backupType' AS backup_type, c.state,
  c.requested_at, c.finished_at, c.message`;

const toRequest = (row: RequestRow): BackupRequest => ({
  id: row.id,
  pairId: row.pair_id,
  nodeName: row.node_name,
  backupType: row.backup_type ?? "full",
  state: row.state,
  requestedAt: row.requested_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  message: row.message,
});

export function createBackups(store: Store, pairs: Pairs, now: () => Date = () => new Date()): Backups {
  return {
    async list(pairId) {
      await pairs.get(pairId);
      const [{ rows: inventory }, { rows: requests }] = await Promise.all([
        store.query<{ inventory: BackupInventory; sampled_at: Date; node_name: string }>(
          "SELECT inventory, sampled_at, node_name FROM backup_inventory WHERE pair_id = $1",
          [pairId],
        ),
        store.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id
            WHERE c.pair_id = $1 AND c.type = 'backup' ORDER BY c.requested_at DESC, c.id LIMIT $2`,
          [pairId, LISTED_REQUESTS],
        ),
      ]);
      const latest = inventory[0];
      return {
        inventory: latest?.inventory ?? null,
        reportedAt: latest?.sampled_at.toISOString() ?? null,
        reportedBy: latest?.node_name ?? null,
        requests: requests.map(toRequest),
      };
    },

    async take(pairId, type, requestedBy) {
      const pair = await pairs.get(pairId);
      return store.transaction(async (db) => {
        await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [pairId]);
        const { rows: reported } = await db.query("SELECT 1 FROM backup_inventory WHERE pair_id = $1", [
          pairId,
        ]);
        if (reported.length === 0) {
          throw new ConflictError(
            `pair ${pair.name} has reported no backup repository: configure backups on the pair (its spec's backup block)`,
            { code: "backups_not_configured" },
          );
        }
        await db.query(
          `UPDATE agent_commands SET state = 'failed', finished_at = now(), message = 'no result within ${ABANDONED_AFTER}'
            WHERE pair_id = $1 AND type = 'backup' AND state IN ('pending', 'delivered')
              AND requested_at < now() - interval '${ABANDONED_AFTER}'`,
          [pairId],
        );
        const { rows: open } = await db.query<{ id: string }>(
          "SELECT id FROM agent_commands WHERE pair_id = $1 AND type = 'backup' AND state IN ('pending', 'delivered')",
          [pairId],
        );
        if (open.length > 0) {
          throw new ConflictError("a backup of this pair is already running", {
            code: "backup_in_progress",
            details: { requestId: open[0]?.id },
          });
        }
        const primary = pair.nodes.find((node) => node.name === pair.primary);
        if (primary === undefined) {
          throw new ConflictError(`pair ${pair.name} has no primary to take a backup`, {
            code: "no_primary",
          });
        }
        const { rows } = await db.query<{ id: string }>(
          `INSERT INTO agent_commands (pair_id, node_id, type, state, requested_by, parameters)
           VALUES ($1, $2, 'backup', 'pending', $3, $4) RETURNING id`,
          [pairId, primary.id, requestedBy, JSON.stringify({ backupType: type })],
        );
        await insertEvent(db, {
          pairId,
          nodeName: primary.name,
          type: "backup_requested",
          message: `${type} backup requested on ${primary.name}`,
          occurredAt: now(),
          durationMs: null,
          details: { backupType: type },
        });
        const { rows: created } = await db.query<RequestRow>(
          `SELECT ${REQUEST_COLUMNS} FROM agent_commands c JOIN nodes n ON n.id = c.node_id WHERE c.id = $1`,
          [rows[0]?.id],
        );
        return toRequest(created[0] as RequestRow);
      });
    },
  };
}
