// The admin slice's calls: events of every pair, switchover, audit log, users, alert webhooks.

import type { AuditFilter, ParameterMap } from "@pgaas/api";
import {
  type CreateAlertEndpointRequest,
  type CreateUserRequest,
  createAlertEndpoint,
  createUser,
  deleteAlertEndpoint,
  deleteUser,
  exportAudit,
  listAlertDeliveries,
  listAlertEndpoints,
  listAudit,
  listPairEvents,
  listPairs,
  listUsers,
  type Pair,
  type PairEvent,
  parameterCatalog,
  rotateAlertEndpointSecret,
  switchover,
  testAlertEndpoint,
  type UpdateUserRequest,
  updatePairSettings,
  updateUser,
} from "@pgaas/api";
import { callRoute, routeUrl } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export interface PairTimeline {
  pairs: Pair[];
  /** Events of all pairs, newest first, each with its pair's name. */
  events: (PairEvent & { pairName: string })[];
}

export function usePairTimeline() {
  return useQuery(
    "pair-timeline",
    async (signal): Promise<PairTimeline> => {
      const { pairs } = await callRoute(listPairs, { signal });
      const perPair = await Promise.all(
        pairs.map(async (pair) => {
          const { events } = await callRoute(listPairEvents, {
            params: { id: pair.id },
            query: { limit: 200 },
            signal,
          });
          return events.map((event) => ({ ...event, pairName: pair.name }));
        }),
      );
      const events = perPair.flat().sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt));
      return { pairs, events };
    },
    { refreshMs: 5000 },
  );
}

export function requestSwitchover(pair: Pair) {
  return callRoute(switchover, { params: { id: pair.id }, body: { confirm: pair.name } });
}

/** Audit entries a page. */
export const AUDIT_PAGE_SIZE = 50;

/** One page of the filtered log, from `cursor` (the newest when absent). */
export function useAudit(filter: AuditFilter, cursor: string | undefined) {
  const query = { ...filter, limit: AUDIT_PAGE_SIZE, cursor };
  return useQuery(`audit:${JSON.stringify(query)}`, (signal) => callRoute(listAudit, { query, signal }));
}

/** The CSV download of the filtered log (a plain link: same origin, the session cookie). */
export function auditExportUrl(filter: AuditFilter): string {
  return routeUrl(exportAudit, {}, filter);
}

export function useUsers() {
  return useQuery("users", (signal) => callRoute(listUsers, { signal }));
}

export function addUser(body: CreateUserRequest) {
  return callRoute(createUser, { body });
}

export function changeUser(id: string, body: UpdateUserRequest) {
  return callRoute(updateUser, { params: { id }, body });
}

/** Deletes a disabled user (refused while they own live databases or hold grants). */
export function removeUser(id: string) {
  return callRoute(deleteUser, { params: { id } });
}

export function usePairSettingsData() {
  return useQuery("pair-settings", async (signal) => {
    const [{ pairs }, catalog] = await Promise.all([
      callRoute(listPairs, { signal }),
      callRoute(parameterCatalog, { signal }),
    ]);
    return { pairs, catalog };
  });
}

export function savePairSettings(id: string, settings: ParameterMap) {
  return callRoute(updatePairSettings, { params: { id }, body: { settings } });
}

/** Endpoints, the pairs (to name a pair filter) and the latest deliveries, refreshed while open. */
export function useAlerts() {
  return useQuery(
    "alerts",
    async (signal) => {
      const [{ endpoints }, { pairs }, { deliveries }] = await Promise.all([
        callRoute(listAlertEndpoints, { signal }),
        callRoute(listPairs, { signal }),
        callRoute(listAlertDeliveries, { query: { limit: 100 }, signal }),
      ]);
      return { endpoints, pairs, deliveries };
    },
    { refreshMs: 5000 },
  );
}

export function addAlertEndpoint(body: CreateAlertEndpointRequest) {
  return callRoute(createAlertEndpoint, { body });
}

export function removeAlertEndpoint(id: string) {
  return callRoute(deleteAlertEndpoint, { params: { id } });
}

export function rotateAlertSecret(id: string, overlapMinutes: number) {
  return callRoute(rotateAlertEndpointSecret, { params: { id }, body: { overlapMinutes } });
}

export function sendTestAlert(id: string) {
  return callRoute(testAlertEndpoint, { params: { id } });
}
