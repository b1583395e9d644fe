// The alert outbox worker: claims due deliveries (SKIP LOCKED with a lease, so several control
// planes or an overlapping tick never send one twice at once), POSTs each signed, and records the
// outcome: delivered, a retry with exponential backoff, or failed after the last attempt. The rows
// are the queue, so a restart loses nothing; a crash mid-send retries once the lease ends.
import type { SecretBox } from "../crypto/cipher.js";
import type { Store } from "../store/db.js";
import { type SendResult, sendWebhook } from "./alert-sender.js";
import { DELIVERY_HEADER, SIGNATURE_HEADER, signatureOf, TIMESTAMP_HEADER } from "./alert-signature.js";

/** Deliveries claimed per tick: bounds the work (and the open connections) of one tick. */
export const CLAIM_BATCH = 10;
/** Longer than a send's timeout, so a lease never ends while its send may still succeed. */
const LEASE_MS = 30_000;
const FIRST_RETRY_MS = 10_000;
const MAX_RETRY_MS = 600_000;

/** Wait before the attempt after `attempts` failed ones: 10 s, 40 s, 160 s, then 10 min. */
export function retryDelayMs(attempts: number): number {
  return Math.min(FIRST_RETRY_MS * 4 ** (attempts - 1), MAX_RETRY_MS);
}

export const endpointSecretContext = (endpointId: string) => `alert_endpoint:${endpointId}`;

interface ClaimedRow {
  id: string;
  endpoint_id: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  url: string;
  secret_sealed: Buffer;
  previous_secret_sealed: Buffer | null;
  previous_secret_until: Date | null;
}

export interface AlertDelivery {
  /** Sends what is due at `now` (one claimed batch, or only `onlyId`); answers how many were tried. */
  deliverDue(now: Date, onlyId?: string): Promise<number>;
}

export function createAlertDelivery(store: Store, box: SecretBox): AlertDelivery {
  function sendSigned(row: ClaimedRow, now: Date): Promise<SendResult> {
    const body = JSON.stringify({ deliveryId: row.id, ...row.payload });
    const timestamp = Math.floor(now.getTime() / 1000);
    const secrets = [row.secret_sealed];
    // During a rotation's overlap a receiver may still hold the previous secret: sign with both.
    if (
      row.previous_secret_sealed !== null &&
      row.previous_secret_until !== null &&
      row.previous_secret_until > now
    )
      secrets.push(row.previous_secret_sealed);
    const signatures = secrets.map((sealed) =>
      signatureOf(box.open(sealed, endpointSecretContext(row.endpoint_id)), timestamp, body),
    );
    return sendWebhook(row.url, body, {
      [SIGNATURE_HEADER]: signatures.join(", "),
      [TIMESTAMP_HEADER]: String(timestamp),
      [DELIVERY_HEADER]: row.id,
    });
  }

  async function attempt(row: ClaimedRow, now: Date): Promise<void> {
    // A secret that no longer opens (the key was replaced) counts as a failed attempt, so the
    // delivery ends as failed instead of being claimed again forever.
    const result = await Promise.resolve()
      .then(() => sendSigned(row, now))
      .catch(() => ({ status: null, error: "signing_failed" }));
    const attempts = row.attempts + 1;
    if (result.error === null) {
      await store.query(
        `UPDATE alert_deliveries SET state = 'delivered', attempts = $2, last_status = $3, last_error = NULL,
           delivered_at = $4, next_attempt_at = NULL, claimed_until = NULL WHERE id = $1`,
        [row.id, attempts, result.status, now],
      );
      return;
    }
    const giveUp = attempts >= row.max_attempts;
    await store.query(
      `UPDATE alert_deliveries SET state = $2, attempts = $3, last_status = $4, last_error = $5,
         next_attempt_at = $6, claimed_until = NULL WHERE id = $1`,
      [
        row.id,
        giveUp ? "failed" : "pending",
        attempts,
        result.status,
        result.error.slice(0, 500),
        giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts)),
      ],
    );
  }

  return {
    async deliverDue(now, onlyId) {
      const { rows } = await store.query<ClaimedRow>(
        `UPDATE alert_deliveries d SET claimed_until = $2
           FROM alert_endpoints e
          WHERE e.id = d.endpoint_id AND d.id IN (
            SELECT id FROM alert_deliveries
             WHERE state = 'pending' AND next_attempt_at <= $1
               AND (claimed_until IS NULL OR claimed_until <= $1) AND ($4::uuid IS NULL OR id = $4)
             ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING d.id, d.endpoint_id, d.payload, d.attempts, d.max_attempts, e.url, e.secret_sealed,
                    e.previous_secret_sealed, e.previous_secret_until`,
        [now, new Date(now.getTime() + LEASE_MS), CLAIM_BATCH, onlyId ?? null],
      );
      await Promise.all(rows.map((row) => attempt(row, now)));
      return rows.length;
    },
  };
}
