// What the portal's shell and request links need about access requests (the pending badge and the
// name of a linked database), and client certificates (a grant's and a database owner's).

import * as api from "@pgaas/api";
import type { Router } from "express";
import type { Access } from "../../services/access.js";
import type { ClientCertificates } from "../../services/client-certificates.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAccess(
  router: Router,
  deps: MountDeps,
  access: Access,
  certificates: ClientCertificates,
): void {
  mount(router, deps, api.pendingAccessCount, async ({ actor }) => ({
    pending: await access.pendingCount(actor),
  }));
  mount(router, deps, api.accessTarget, async ({ params }) => ({ database: await access.target(params.id) }));
  mount(router, deps, api.issueClientCertificate, async ({ actor, params, body }) =>
    certificates.issue(actor, await access.grantFor(actor, params.id), body),
  );
  mount(router, deps, api.listClientCertificates, async ({ actor, params }) => ({
    clientCertificates: await certificates.list(await access.grantFor(actor, params.id)),
  }));
  mount(router, deps, api.issueOwnerCertificate, async ({ actor, params, body }) =>
    certificates.issueForOwner(actor, params.id, body),
  );
  mount(router, deps, api.listOwnerCertificates, async ({ actor, params }) => ({
    clientCertificates: await certificates.listForOwner(actor, params.id),
  }));
  mount(router, deps, api.revokeClientCertificate, async ({ actor, params }) => ({
    clientCertificate: await certificates.revoke(actor, params.id),
  }));
}
