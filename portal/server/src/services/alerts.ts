// Alert webhook endpoints (admins): create with a sealed signing secret shown once, list, delete,
// send a test, and the delivery log. Deliveries of real events are enqueued by the store itself
// (migration 7's trigger on pair_events) and sent by the outbox worker (alert-delivery.ts).
import { randomUUID } from "node:crypto";
import type {
  AlertDelivery,
  AlertEndpoint,
  CreateAlertEndpointRequest,
  CreateAlertEndpointResponse,
  RotateAlertSecretRequest,
} from "@pgaas/api";
import { InputError, NotFoundError } from "@pgaas/common";
import type { SecretBox } from "../crypto/cipher.js";
import { enqueueTestDelivery, findAlertDelivery, listAlertDeliveries } from "../store/alert-deliveries.js";
import {
  deleteAlertEndpoint,
  insertAlertEndpoint,
  listAlertEndpoints,
  replaceAlertSecret,
} from "../store/alert-endpoints.js";
import type { Store } from "../store/db.js";
import { pairExists } from "../store/pairs.js";
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

const endpointNotFound = () =>
  new NotFoundError("alert endpoint not found", { code: "alert_endpoint_not_found" });

export function createAlerts(store: Store, box: SecretBox, outbox: Outbox): Alerts {
  return {
    async list() {
      return listAlertEndpoints(store);
    },

    async create(request, actorId) {
      if (request.pairId !== null) {
        if (!(await pairExists(store, request.pairId)))
          throw new InputError("no such pair", { code: "pair_not_found" });
      }
      const id = randomUUID();
      const secret = newWebhookSecret();
      const endpoint = await insertAlertEndpoint(store, {
        id,
        url: request.url,
        kinds: [...new Set(request.kinds)],
        pairId: request.pairId,
        secretSealed: box.seal(secret, endpointSecretContext(id)),
        createdBy: actorId,
      });
      return { endpoint, secret: secret.reveal() };
    },

    async remove(id) {
      if (!(await deleteAlertEndpoint(store, id))) throw endpointNotFound();
    },

    async rotateSecret(id, request, now = new Date()) {
      const secret = newWebhookSecret();
      const until = new Date(now.getTime() + request.overlapMinutes * 60_000);
      // The current secret becomes the previous one (still sealed, same endpoint context); with no
      // overlap it is dropped at once.
      const endpoint = await replaceAlertSecret(
        store,
        id,
        box.seal(secret, endpointSecretContext(id)),
        until,
        now,
      );
      if (endpoint === undefined) throw endpointNotFound();
      return { endpoint, secret: secret.reveal() };
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
      const deliveryId = await enqueueTestDelivery(store, id, eventId, payload, now);
      if (deliveryId === undefined) throw endpointNotFound();
      await outbox.deliverDue(now, deliveryId);
      return findAlertDelivery(store, deliveryId);
    },

    async deliveries(query) {
      return listAlertDeliveries(store, query.endpointId ?? null, query.limit);
    },
  };
}
