// Alert webhooks (admins): endpoints that receive signed JSON POSTs when a pair fails over, degrades,
// is fenced, a backup fails or a node's data disk crosses 80 %; a test send; the delivery log.
import { isLoopbackHost } from "@pgaas/common/wire";
import { z } from "zod";
import { Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

/** What an endpoint can subscribe to; `test` is only sent by the "send test" route. */
export const AlertKind = z.enum([
  "failover",
  "degraded",
  "fenced",
  "backup_failed",
  "restore_check_failed",
  "disk_usage",
]);
export type AlertKind = z.infer<typeof AlertKind>;
export const DeliveryKind = z.union([AlertKind, z.literal("test")]);

/** HTTPS, or plain HTTP to this host only (a local relay, tests): alerts must not travel in clear. */
export const WebhookUrl = z
  .url({ protocol: /^https?$/ })
  .max(2000)
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.protocol === "https:" || isLoopbackHost(url.hostname);
  }, "https:// (http:// only to a loopback address)")
  .refine((value) => {
    if (!URL.canParse(value)) return true;
    const url = new URL(value);
    return url.username === "" && url.password === "";
  }, "no credentials in the URL: the URL is shown in the portal and the log");

export const AlertEndpoint = z.object({
  id: Id,
  url: z.string(),
  kinds: z.array(AlertKind),
  /** Only this pair's events; null: every pair. */
  pairId: Id.nullable(),
  /** After a rotation: until when deliveries are also signed with the previous secret; else null. */
  previousSecretValidUntil: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type AlertEndpoint = z.infer<typeof AlertEndpoint>;
export const AlertEndpointList = z.object({ endpoints: z.array(AlertEndpoint) });
export type AlertEndpointList = z.infer<typeof AlertEndpointList>;

export const CreateAlertEndpointRequest = z.object({
  url: WebhookUrl,
  kinds: z.array(AlertKind).min(1).max(AlertKind.options.length),
  pairId: Id.nullable().default(null),
});
export type CreateAlertEndpointRequest = z.input<typeof CreateAlertEndpointRequest>;
/** The signing secret appears in this answer only; the control plane keeps it sealed. */
export const CreateAlertEndpointResponse = z.object({ endpoint: AlertEndpoint, secret: z.string() });
export type CreateAlertEndpointResponse = z.infer<typeof CreateAlertEndpointResponse>;

/** At most a week of two valid secrets; 0 retires the old one at once (after a leak). */
export const RotateAlertSecretRequest = z.object({
  overlapMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60)
    .default(24 * 60),
});
export type RotateAlertSecretRequest = z.input<typeof RotateAlertSecretRequest>;

export const AlertDeliveryState = z.enum(["pending", "delivered", "failed"]);
export const AlertDelivery = z.object({
  id: Id,
  endpointId: Id,
  eventId: Id,
  kind: DeliveryKind,
  /** What the event said, e.g. "n2 became the writable primary". */
  message: z.string(),
  state: AlertDeliveryState,
  attempts: z.number().int().nonnegative(),
  maxAttempts: z.number().int().positive(),
  /** The receiver's HTTP status of the last attempt (null: no answer). */
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: Timestamp.nullable(),
  deliveredAt: Timestamp.nullable(),
  createdAt: Timestamp,
});
export type AlertDelivery = z.infer<typeof AlertDelivery>;
export const AlertDeliveryList = z.object({ deliveries: z.array(AlertDelivery) });
export type AlertDeliveryList = z.infer<typeof AlertDeliveryList>;
export const AlertDeliveriesQuery = z.object({
  endpointId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const AlertDeliveryResponse = z.object({ delivery: AlertDelivery });
export type AlertDeliveryResponse = z.infer<typeof AlertDeliveryResponse>;

export const listAlertEndpoints = defineRoute({
  id: "listAlertEndpoints",
  method: "get",
  path: "/v1/alerts/endpoints",
  summary: "Alert webhook endpoints",
  tag: "alerts",
  auth: "admin",
  status: 200,
  response: AlertEndpointList,
});

export const createAlertEndpoint = defineRoute({
  id: "createAlertEndpoint",
  method: "post",
  path: "/v1/alerts/endpoints",
  summary: "Add a webhook endpoint; answers its signing secret, once",
  tag: "alerts",
  auth: "admin",
  body: CreateAlertEndpointRequest,
  status: 201,
  response: CreateAlertEndpointResponse,
});

export const deleteAlertEndpoint = defineRoute({
  id: "deleteAlertEndpoint",
  method: "delete",
  path: "/v1/alerts/endpoints/:id",
  summary: "Remove a webhook endpoint and its delivery log",
  tag: "alerts",
  auth: "admin",
  params: IdParams,
  status: 204,
});

export const rotateAlertEndpointSecret = defineRoute({
  id: "rotateAlertEndpointSecret",
  method: "post",
  path: "/v1/alerts/endpoints/:id/rotate-secret",
  summary:
    "A new signing secret, answered once; deliveries carry both signatures for the overlap, so receivers switch without a failed check",
  tag: "alerts",
  auth: "admin",
  params: IdParams,
  body: RotateAlertSecretRequest,
  status: 200,
  response: CreateAlertEndpointResponse,
});

export const testAlertEndpoint = defineRoute({
  id: "testAlertEndpoint",
  method: "post",
  path: "/v1/alerts/endpoints/:id/test",
  summary: "Send a signed test alert now (one attempt) and answer its delivery",
  tag: "alerts",
  auth: "admin",
  params: IdParams,
  status: 200,
  response: AlertDeliveryResponse,
});

export const listAlertDeliveries = defineRoute({
  id: "listAlertDeliveries",
  method: "get",
  path: "/v1/alerts/deliveries",
  summary: "The delivery log, newest first: attempts, last status or error, next retry",
  tag: "alerts",
  auth: "admin",
  query: AlertDeliveriesQuery,
  status: 200,
  response: AlertDeliveryList,
});
