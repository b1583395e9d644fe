// The physical replication slot a standby streams through. repmgr names it repmgr_slot_<node id> and
// creates it on clone, but `repmgr node rejoin` does not create it on a primary that was promoted by
// failover (the slot lived only on the old primary), so the rejoined standby could never stream.
import { sqlLiteral } from "@pgaas/common";
import type { Member } from "../members.js";

export function replicationSlotName(member: Member): string {
  return `repmgr_slot_${member.id}`;
}

/** Creates the slot unless it exists; returns one row either way. */
export function ensurePhysicalSlotSql(slotName: string): string {
  const slot = sqlLiteral(slotName);
  return `SELECT count(pg_create_physical_replication_slot(${slot})) FROM (SELECT 1) AS one WHERE NOT EXISTS (SELECT FROM pg_replication_slots WHERE slot_name = ${slot})`;
}
