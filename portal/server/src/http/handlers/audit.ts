// The audit log: pages for the portal, the same filters as a CSV download.

import * as api from "@pgaas/api";
import type { Router } from "express";
import type { AuditLog } from "../../services/audit.js";
import { type MountDeps, mount, type RawBody } from "../mount.js";

// audit-20261207T0301Z.csv: when it was taken, without the colons some file systems refuse.
const exportFilename = (now: Date) =>
  `audit-${now.toISOString().slice(0, 16).replaceAll("-", "").replace(":", "")}Z.csv`;

export function mountAudit(router: Router, deps: MountDeps, audit: AuditLog): void {
  mount(router, deps, api.listAudit, async ({ query }) => audit.list(query));
  mount(
    router,
    deps,
    api.exportAudit,
    async ({ query }): Promise<RawBody> => ({
      raw: await audit.exportCsv(query),
      contentType: "text/csv; charset=utf-8",
      filename: exportFilename(new Date()),
    }),
  );
}
