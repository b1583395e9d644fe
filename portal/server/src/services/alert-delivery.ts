// The alert outbox worker: claims due deliveries (SKIP LOCKED with a lease, so several control
// planes or an overlapping tick never send one twice at once), POSTs each signed, and records the
// outcome: delivered, a retry with exponential backoff, or failed after the last attempt. The rows
// are the queue, so a restart loses nothing; a crash mid-send retries once the lease ends.
import type { SecretBox } from "../crypto/cipher.js";
import {
  type ClaimedDelivery,
  claimDueDeliveries,
  recordDelivered,
  recordFailedAttempt,
} from "../store/alert-deliveries.js";
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

export interface AlertDelivery {
  /** Sends what is due at `now` (one claimed batch, or only `onlyId`); answers how many were tried. */
  deliverDue(now: Date, onlyId?: string): Promise<number>;
}

export function createAlertDelivery(store: Store, box: SecretBox): AlertDelivery {
  function sendSigned(row: ClaimedDelivery, now: Date): Promise<SendResult> {
    const body = JSON.stringify({ deliveryId: row.id, ...row.payload });
    const timestamp = Math.floor(now.getTime() / 1000);
    const secrets = [row.secretSealed];
    // During a rotation's overlap a receiver may still hold the previous secret: sign with both.
    if (
      row.previousSecretSealed !== null &&
      row.previousSecretUntil !== null &&
      row.previousSecretUntil > now
    )
      secrets.push(row.previousSecretSealed);
    const signatures = secrets.map((sealed) =>
      signatureOf(box.open(sealed, endpointSecretContext(row.endpointId)), timestamp, body),
    );
    return sendWebhook(row.url, body, {
      [SIGNATURE_HEADER]: signatures.join(", "),
      [TIMESTAMP_HEADER]: String(timestamp),
      [DELIVERY_HEADER]: row.id,
    });
  }

  async function attempt(row: ClaimedDelivery, now: Date): Promise<void> {
    // A secret that no longer opens (the key was replaced) counts as a failed attempt, so the
    // delivery ends as failed instead of being claimed again forever.
    const result = await Promise.resolve()
      .then(() => sendSigned(row, now))
      .catch(() => ({ status: null, error: "signing_failed" }));
    const attempts = row.attempts + 1;
    if (result.error === null) {
      await recordDelivered(store, row.id, attempts, result.status, now);
      return;
    }
    const giveUp = attempts >= row.maxAttempts;
    await recordFailedAttempt(store, row.id, {
      attempts,
      status: result.status,
      error: result.error.slice(0, 500),
      // null: the last attempt failed, and with it the delivery.
      nextAttemptAt: giveUp ? null : new Date(now.getTime() + retryDelayMs(attempts)),
    });
  }

  return {
    async deliverDue(now, onlyId) {
      const rows = await claimDueDeliveries(store, {
        now,
        leaseUntil: new Date(now.getTime() + LEASE_MS),
        limit: CLAIM_BATCH,
        onlyId: onlyId ?? null,
      });
      await Promise.all(rows.map((row) => attempt(row, now)));
      return rows.length;
    },
  };
}
