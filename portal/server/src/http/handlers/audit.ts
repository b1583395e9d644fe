// The audit log.

import * as api from "@pgaas/api";
import type { Router } from "express";
import type { AuditLog } from "../../services/audit.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAudit(router: Router, deps: MountDeps, audit: AuditLog): void {
  mount(router, deps, api.listAudit, async ({ query }) => ({ entries: await audit.list(query) }));
}
