// What the portal's shell and request links need about access requests: the pending badge and the
// name of a linked database.

import * as api from "@pgaas/api";
import type { Router } from "express";
import type { Access } from "../../services/access.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAccess(router: Router, deps: MountDeps, access: Access): void {
  mount(router, deps, api.pendingAccessCount, async ({ actor }) => ({
    pending: await access.pendingCount(actor),
  }));
  mount(router, deps, api.accessTarget, async ({ params }) => ({ database: await access.target(params.id) }));
}
