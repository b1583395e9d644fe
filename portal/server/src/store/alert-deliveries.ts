// alert_deliveries: the alert outbox. Each row is one delivery of an event (or a test) to one
// endpoint, claimed with a lease by the worker, retried with backoff until delivered or failed.
import type { AlertDelivery } from "@pgaas/api";
import type { Queryable } from "./db.js";

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event_id: string;
  kind: AlertDelivery["kind"];
  message: string | null;
  state: AlertDelivery["state"];
  attempts: number;
  max_attempts: number;
  last_status: number | null;
  last_error: string | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
  created_at: Date;
}

const DELIVERY_COLUMNS = `id, endpoint_id, event_id, kind, payload->'event'->>'message' AS message, state, attempts,
  max_attempts, last_status, last_error, CASE WHEN state = 'pending' THEN next_attempt_at END AS next_attempt_at,
  delivered_at, created_at`;

const toDelivery = (row: DeliveryRow): AlertDelivery => ({
  id: row.id,
  endpointId: row.endpoint_id,
  eventId: row.event_id,
  kind: row.kind,
  message: row.message ?? "",
  state: row.state,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  lastStatus: row.last_status,
  lastError: row.last_error,
  nextAttemptAt: row.next_attempt_at?.toISOString() ?? null,
  deliveredAt: row.delivered_at?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export async function findAlertDelivery(db: Queryable, id: string): Promise<AlertDelivery> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE id = $1`,
    [id],
  );
  return toDelivery(rows[0] as DeliveryRow);
}

/** Newest first, of one endpoint or (null) all. */
export async function listAlertDeliveries(
  db: Queryable,
  endpointId: string | null,
  limit: number,
): Promise<AlertDelivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE ($1::uuid IS NULL OR endpoint_id = $1)
     ORDER BY created_at DESC, id LIMIT $2`,
    [endpointId, limit],
  );
  return rows.map(toDelivery);
}

/** A test delivery (one attempt, due at `now`) to the endpoint; its id, or undefined without the endpoint. */
export async function enqueueTestDelivery(
  db: Queryable,
  endpointId: string,
  eventId: string,
  payload: Record<string, unknown>,
  now: Date,
): Promise<string | undefined> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO alert_deliveries (endpoint_id, event_id, kind, payload, max_attempts, next_attempt_at)
     SELECT id, $2, 'test', $3, 1, $4 FROM alert_endpoints WHERE id = $1 RETURNING id`,
    [endpointId, eventId, JSON.stringify(payload), now],
  );
  return rows[0]?.id;
}

/** A claimed delivery with what sending it needs. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly endpointId: string;
  readonly payload: Record<string, unknown>;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly url: string;
  readonly secretSealed: Buffer;
  readonly previousSecretSealed: Buffer | null;
  readonly previousSecretUntil: Date | null;
}

/**
 * Claims due pending deliveries (all, or only `onlyId`) until `leaseUntil`: SKIP LOCKED and the lease
 * keep two workers from sending one delivery at once.
 */
export async function claimDueDeliveries(
  db: Queryable,
  claim: { now: Date; leaseUntil: Date; limit: number; onlyId: string | null },
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.query<{
    id: string;
    endpoint_id: string;
    payload: Record<string, unknown>;
    attempts: number;
    max_attempts: number;
    url: string;
    secret_sealed: Buffer;
    previous_secret_sealed: Buffer | null;
    previous_secret_until: Date | null;
  }>(
    `UPDATE alert_deliveries d SET claimed_until = $2
       FROM alert_endpoints e
      WHERE e.id = d.endpoint_id AND d.id IN (
        SELECT id FROM alert_deliveries
         WHERE state = 'pending' AND next_attempt_at <= $1
           AND (claimed_until IS NULL OR claimed_until <= $1) AND ($4::uuid IS NULL OR id = $4)
         ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
      RETURNING d.id, d.endpoint_id, d.payload, d.attempts, d.max_attempts, e.url, e.secret_sealed,
                e.previous_secret_sealed, e.previous_secret_until`,
    [claim.now, claim.leaseUntil, claim.limit, claim.onlyId],
  );
  return rows.map((row) => ({
    id: row.id,
    endpointId: row.endpoint_id,
    payload: row.payload,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    url: row.url,
    secretSealed: row.secret_sealed,
    previousSecretSealed: row.previous_secret_sealed,
    previousSecretUntil: row.previous_secret_until,
  }));
}

export async function recordDelivered(
  db: Queryable,
  id: string,
  attempts: number,
  status: number | null,
  at: Date,
): Promise<void> {
  await db.query(
    `UPDATE alert_deliveries SET state = 'delivered', attempts = $2, last_status = $3, last_error = NULL,
       delivered_at = $4, next_attempt_at = NULL, claimed_until = NULL WHERE id = $1`,
    [id, attempts, status, at],
  );
}

/** A failed attempt: pending again at `nextAttemptAt`, or failed for good when that is null. */
export async function recordFailedAttempt(
  db: Queryable,
  id: string,
  attempt: { attempts: number; status: number | null; error: string; nextAttemptAt: Date | null },
): Promise<void> {
  await db.query(
    `UPDATE alert_deliveries SET state = $2, attempts = $3, last_status = $4, last_error = $5,
       next_attempt_at = $6, claimed_until = NULL WHERE id = $1`,
    [
      id,
      attempt.nextAttemptAt === null ? "failed" : "pending",
      attempt.attempts,
      attempt.status,
      attempt.error,
      attempt.nextAttemptAt,
    ],
  );
}
