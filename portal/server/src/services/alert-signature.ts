// The webhook signature: HMAC-SHA256 over "<timestamp>.<body>" with the endpoint's secret. The
// timestamp is signed too, so a receiver that refuses old timestamps also refuses replays.
import { createHmac, randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";

export const SIGNATURE_HEADER = "X-Pgaas-Signature";
export const TIMESTAMP_HEADER = "X-Pgaas-Timestamp";
export const DELIVERY_HEADER = "X-Pgaas-Delivery";

/** 32 random bytes; the prefix makes a leaked secret recognisable. */
export function newWebhookSecret(): Secret {
  return new Secret(`whsec_${randomBytes(32).toString("base64url")}`);
}

/** `sha256=<hex>` for a body sent at `timestamp` (Unix seconds). */
export function signatureOf(secret: Secret, timestamp: number, body: string): string {
  const mac = createHmac("sha256", secret.reveal()).update(`${timestamp}.${body}`, "utf8").digest("hex");
  return `sha256=${mac}`;
}
