// backup_inventory: the latest backup repository inventory a pair's primary reported.
import type { BackupInventory } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

export interface StoredInventory {
  readonly inventory: BackupInventory;
  readonly sampledAt: Date;
  readonly nodeName: string;
}

/** Keeps the newer inventory only (spooled reports arrive late). */
export async function storeBackupInventory(
  db: Queryable,
  report: { pairId: string; nodeName: string; sampledAt: string; inventory: BackupInventory },
): Promise<void> {
  await db.query(
    `INSERT INTO backup_inventory (pair_id, node_name, sampled_at, inventory) VALUES ($1, $2, $3, $4)
     ON CONFLICT (pair_id) DO UPDATE SET node_name = excluded.node_name, sampled_at = excluded.sampled_at,
       inventory = excluded.inventory
     WHERE backup_inventory.sampled_at < excluded.sampled_at`,
    [report.pairId, report.nodeName, report.sampledAt, JSON.stringify(report.inventory)],
  );
}

export async function findBackupInventory(
  db: Queryable,
  pairId: string,
): Promise<StoredInventory | undefined> {
  const { rows } = await db.query<{ inventory: BackupInventory; sampled_at: Date; node_name: string }>(
    "SELECT inventory, sampled_at, node_name FROM backup_inventory WHERE pair_id = $1",
    [pairId],
  );
  const row = rows[0];
  return row && { inventory: row.inventory, sampledAt: row.sampled_at, nodeName: row.node_name };
}

export interface InventorySchedule {
  readonly pairId: string;
  readonly schedule: BackupInventory["schedule"] | null;
  readonly hasBackup: boolean;
}

/** Every pair's reported backup schedule and whether it has a backup yet. */
export async function inventorySchedules(db: Queryable): Promise<InventorySchedule[]> {
  const { rows } = await db.query<{
    pair_id: string;
    schedule: BackupInventory["schedule"] | null;
    has_backup: boolean;
  }>(
    `SELECT pair_id, inventory->'schedule' AS schedule,
            jsonb_array_length(inventory->'backups') > 0 AS has_backup FROM backup_inventory`,
  );
  return rows.map((row) => ({ pairId: row.pair_id, schedule: row.schedule, hasBackup: row.has_backup }));
}
