// Alert webhook endpoints (admins): create with a sealed signing secret shown once, list, delete,
// send a test, and the delivery log. Deliveries of real events are enqueued by the store itself
// (migration 7's trigger on pair_events) and sent by the outbox worker (alert-delivery.ts).
import { randomUUID } from "node:crypto";
import type {
  AlertDelivery,
  AlertEndpoint,
  AlertKind,
  CreateAlertEndpointRequest,
  CreateAlertEndpointResponse,
  RotateAlertSecretRequest,
} from "@pgaas/api";
import { InputError, NotFoundError } from "@pgaas/common";
import type { SecretBox } from "../crypto/cipher.js";
import type { Store } from "../store/db.js";
import { endpointSecretContext, type AlertDelivery as Outbox } from "./alert-delivery.js";
import { newWebhookSecret } from "./alert-signature.js";

export interface Alerts {
  list(): Promise<AlertEndpoint[]>;
  create(
    request: Required<CreateAlertEndpointRequest>,
    actorId: string,
  ): Promise<CreateAlertEndpointResponse>;
  remove(id: string): Promise<void>;
  /** A new secret (answered once); the current one stays valid for `overlapMinutes` more. */
  rotateSecret(
    id: string,
    request: Required<RotateAlertSecretRequest>,
    now?: Date,
  ): Promise<CreateAlertEndpointResponse>;
  /** Enqueues a test delivery (one attempt), sends it now and answers how it went. */
  test(id: string, now?: Date): Promise<AlertDelivery>;
  deliveries(query: { endpointId?: string | undefined; limit: number }): Promise<AlertDelivery[]>;
}

interface EndpointRow {
  id: string;
  url: string;
  kinds: AlertKind[];
  pair_id: string | null;
  previous_secret_until: Date | null;
  created_at: Date;
}

const ENDPOINT_COLUMNS = "id, url, kinds, pair_id, previous_secret_until, created_at";

const toEndpoint = (row: EndpointRow): AlertEndpoint => ({
  id: row.id,
  url: row.url,
  kinds: row.kinds,
  pairId: row.pair_id,
  previousSecretValidUntil: row.previous_secret_until?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

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

const endpointNotFound = () =>
  new NotFoundError("alert endpoint not found", { code: "alert_endpoint_not_found" });

export function createAlerts(store: Store, box: SecretBox, outbox: Outbox): Alerts {
  return {
    async list() {
      const { rows } = await store.query<EndpointRow>(
        `SELECT ${ENDPOINT_COLUMNS} FROM alert_endpoints ORDER BY created_at, id`,
      );
      return rows.map(toEndpoint);
    },

    async create(request, actorId) {
      if (request.pairId !== null) {
        const { rowCount } = await store.query("SELECT 1 FROM pairs WHERE id = $1", [request.pairId]);
        if (rowCount === 0) throw new InputError("no such pair", { code: "pair_not_found" });
      }
      const id = randomUUID();
      const secret = newWebhookSecret();
      const { rows } = await store.query<EndpointRow>(
        `INSERT INTO alert_endpoints (id, url, kinds, pair_id, secret_sealed, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
        [
          id,
          request.url,
          [...new Set(request.kinds)],
          request.pairId,
          box.seal(secret, endpointSecretContext(id)),
          actorId,
        ],
      );
      return { endpoint: toEndpoint(rows[0] as EndpointRow), secret: secret.reveal() };
    },

    async remove(id) {
      const { rowCount } = await store.query("DELETE FROM alert_endpoints WHERE id = $1", [id]);
      if (rowCount === 0) throw endpointNotFound();
    },

    async rotateSecret(id, request, now = new Date()) {
      const secret = newWebhookSecret();
      const until = new Date(now.getTime() + request.overlapMinutes * 60_000);
      // The current secret becomes the previous one (still sealed, same endpoint context); with no
      // overlap it is dropped at once.
      const { rows } = await store.query<EndpointRow>(
        `UPDATE alert_endpoints
            SET previous_secret_sealed = CASE WHEN $3 > $4 THEN secret_sealed END,
                previous_secret_until = CASE WHEN $3 > $4 THEN $3::timestamptz END,
                secret_sealed = $2
          WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
        [id, box.seal(secret, endpointSecretContext(id)), until, now],
      );
      const row = rows[0];
      if (row === undefined) throw endpointNotFound();
      return { endpoint: toEndpoint(row), secret: secret.reveal() };
    },

    async test(id, now = new Date()) {
      const eventId = randomUUID();
      const payload = {
        kind: "test",
        pair: null,
        event: {
          id: eventId,
          type: "test",
          nodeName: null,
          message: "test alert from pgaas",
          occurredAt: now.toISOString(),
          details: {},
        },
      };
      const { rows } = await store.query<{ id: string }>(
        `INSERT INTO alert_deliveries (endpoint_id, event_id, kind, payload, max_attempts, next_attempt_at)
         SELECT id, $2, 'test', $3, 1, $4 FROM alert_endpoints WHERE id = $1 RETURNING id`,
        [id, eventId, JSON.stringify(payload), now],
      );
      const deliveryId = rows[0]?.id;
      if (deliveryId === undefined) throw endpointNotFound();
      await outbox.deliverDue(now, deliveryId);
      const { rows: done } = await store.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE id = $1`,
        [deliveryId],
      );
      return toDelivery(done[0] as DeliveryRow);
    },

    async deliveries(query) {
      const { rows } = await store.query<DeliveryRow>(
        `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries WHERE ($1::uuid IS NULL OR endpoint_id = $1)
         ORDER BY created_at DESC, id LIMIT $2`,
        [query.endpointId ?? null, query.limit],
      );
      return rows.map(toDelivery);
    },
  };
}
