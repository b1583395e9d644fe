// pair_events: the pair's history (registration, role changes, commands and their results).
import type { PairEvent, PairEventType, RestoreCheck } from "@pgaas/api";
import type { Queryable } from "./db.js";

export interface NewEvent {
  readonly pairId: string;
  readonly nodeName: string | null;
  readonly type: PairEventType;
  readonly message: string;
  readonly occurredAt: Date;
  readonly durationMs: number | null;
  readonly details: Record<string, unknown>;
}

export async function insertEvent(db: Queryable, event: NewEvent): Promise<void> {
  await db.query(
    `INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at, duration_ms, details)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [
      event.pairId,
      event.nodeName,
      event.type,
      event.message,
      event.occurredAt,
      event.durationMs === null ? null : Math.round(event.durationMs),
      JSON.stringify(event.details),
    ],
  );
}

interface EventRow {
  id: string;
  pair_id: string;
  node_name: string | null;
  type: PairEventType;
  message: string;
  occurred_at: Date;
  duration_ms: number | null;
  details: Record<string, unknown>;
}

/** The pair's newest events first. */
export async function listPairEvents(db: Queryable, pairId: string, limit: number): Promise<PairEvent[]> {
  const { rows } = await db.query<EventRow>(
    "SELECT * FROM pair_events WHERE pair_id = $1 ORDER BY occurred_at DESC, id LIMIT $2",
    [pairId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    pairId: row.pair_id,
    nodeName: row.node_name,
    type: row.type,
    message: row.message,
    occurredAt: row.occurred_at.toISOString(),
    durationMs: row.duration_ms,
    details: row.details,
  }));
}

/** The last restore check's outcome event, or null before the first. */
export async function lastRestoreCheck(db: Queryable, pairId: string): Promise<RestoreCheck | null> {
  const { rows } = await db.query<{
    occurred_at: Date;
    type: string;
    backup: string | null;
    duration_ms: number | null;
    message: string;
  }>(
    `SELECT occurred_at, type, details->>'backup' AS backup, duration_ms, message FROM pair_events
      WHERE pair_id = $1 AND type IN ('restore_check_succeeded', 'restore_check_failed')
      ORDER BY occurred_at DESC, id LIMIT 1`,
    [pairId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  return {
    at: row.occurred_at.toISOString(),
    ok: row.type === "restore_check_succeeded",
    backup: row.backup,
    durationMs: row.duration_ms,
    message: row.message,
  };
}

/** Failovers of the pair in [from, to). */
export async function countFailovers(db: Queryable, pairId: string, from: Date, to: Date): Promise<number> {
  const { rows } = await db.query<{ count: number }>(
    "SELECT count(*)::int AS count FROM pair_events WHERE pair_id = $1 AND type = 'failover' AND occurred_at >= $2 AND occurred_at < $3",
    [pairId, from, to],
  );
  return rows[0]?.count ?? 0;
}
