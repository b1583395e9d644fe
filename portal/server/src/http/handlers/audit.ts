// The audit log.
import type { Router } from "express";
import * as api from "../../api/audit.js";
import type { AuditLog } from "../../services/audit.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAudit(router: Router, deps: MountDeps, audit: AuditLog): void {
  mount(router, deps, api.listAudit, async ({ query }) => ({ entries: await audit.list(query) }));
}
