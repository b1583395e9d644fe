// Alert webhook endpoints, their test send and the delivery log (admins).
import * as api from "@pgaas/api";
import type { Router } from "express";
import type { Alerts } from "../../services/alerts.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAlerts(router: Router, deps: MountDeps, alerts: Alerts): void {
  mount(router, deps, api.listAlertEndpoints, async () => ({ endpoints: await alerts.list() }));
  mount(router, deps, api.createAlertEndpoint, async ({ body, actor }) => alerts.create(body, actor.id));
  mount(router, deps, api.deleteAlertEndpoint, async ({ params }) => alerts.remove(params.id));
  mount(router, deps, api.rotateAlertEndpointSecret, async ({ params, body }) =>
    alerts.rotateSecret(params.id, body),
  );
  mount(router, deps, api.testAlertEndpoint, async ({ params }) => ({
    delivery: await alerts.test(params.id),
  }));
  mount(router, deps, api.listAlertDeliveries, async ({ query }) => ({
    deliveries: await alerts.deliveries(query),
  }));
}
