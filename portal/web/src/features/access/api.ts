import {
  type ApproveAccessRequest,
  accessCredentials,
  accessTarget,
  approveAccessRequest,
  type CertificateMethod,
  type CreateAccessRequest,
  createAccessRequest,
  type DenyAccessRequest,
  denyAccessRequest,
  issueClientCertificate,
  listAccessRequests,
  listClientCertificates,
  listDatabases,
  pendingAccessCount,
  revokeAccessRequest,
  revokeClientCertificate,
  rotateAccessCredentials,
} from "@pgaas/api";
import { useEffect } from "react";
import { callRoute } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

/** Requests the user made and those on databases they own (all for admins), every 10 s. */
export function useAccessRequests() {
  return useQuery("access-requests", (signal) => callRoute(listAccessRequests, { signal }), {
    refreshMs: 10_000,
  });
}

export function useDatabaseChoices() {
  return useQuery("access-database-choices", (signal) => callRoute(listDatabases, { signal }));
}

/** The name of the database a request link points at (members cannot list it); null without a link. */
export function useLinkedDatabase(databaseId: string | null) {
  return useQuery(`access-target:${databaseId ?? ""}`, async (signal) =>
    databaseId === null
      ? null
      : (await callRoute(accessTarget, { params: { id: databaseId }, signal })).database,
  );
}

/** Fired after this user decided or revoked a request, so the badge need not wait for its next poll. */
const ACCESS_DECIDED_EVENT = "pgaas:access-decided";

export function announceAccessDecided(): void {
  window.dispatchEvent(new Event(ACCESS_DECIDED_EVENT));
}

/** Pending requests waiting for this user's decision, for the navigation badge; every 30 s. */
export function usePendingAccessCount() {
  const query = useQuery("access-pending-count", (signal) => callRoute(pendingAccessCount, { signal }), {
    refreshMs: 30_000,
  });
  const { reload } = query;
  useEffect(() => {
    window.addEventListener(ACCESS_DECIDED_EVENT, reload);
    return () => window.removeEventListener(ACCESS_DECIDED_EVENT, reload);
  }, [reload]);
  return query;
}

export function requestAccess(body: CreateAccessRequest) {
  return callRoute(createAccessRequest, { body });
}

export function approve(id: string, body: ApproveAccessRequest) {
  return callRoute(approveAccessRequest, { params: { id }, body });
}

export function deny(id: string, body: DenyAccessRequest) {
  return callRoute(denyAccessRequest, { params: { id }, body });
}

export function revoke(id: string) {
  return callRoute(revokeAccessRequest, { params: { id } });
}

export function collectCredentials(id: string) {
  return callRoute(accessCredentials, { params: { id } });
}

/** A new role and password for the grant, held for the requester to collect once. */
export function rotate(id: string, overlapMinutes: number) {
  return callRoute(rotateAccessCredentials, { params: { id }, body: { overlapMinutes } });
}

/** The client certificates issued for a grant (never their keys). */
export function useClientCertificates(grantId: string) {
  return useQuery(`client-certificates:${grantId}`, (signal) =>
    callRoute(listClientCertificates, { params: { id: grantId }, signal }),
  );
}

/** A certificate for the requester's grant: its private key is in this answer only. */
export function issueCertificate(grantId: string, method: CertificateMethod) {
  return callRoute(issueClientCertificate, { params: { id: grantId }, body: { method, validDays: 365 } });
}

export function revokeCertificate(id: string) {
  return callRoute(revokeClientCertificate, { params: { id } });
}
