// Databases (restores too), the parameter catalogue, query insights, access requests and reports.

import type { Report } from "@pgaas/api";
import * as access from "@pgaas/api";
import * as api from "@pgaas/api";
import * as reportsApi from "@pgaas/api";
import * as settingsApi from "@pgaas/api";
import { DATABASE_PARAMETERS, PAIR_PARAMETERS } from "@pgaas/common/wire";
import type { Router } from "express";
import type { Access } from "../../services/access.js";
import type { DatabaseRestores } from "../../services/database-restore.js";
import type { Databases } from "../../services/databases.js";
import type { Insights } from "../../services/insights.js";
import type { OwnerPasswords } from "../../services/owner-password.js";
import { REPORT_STYLE, reportCsv, reportCsvFilename, reportHtml } from "../../services/report-render.js";
import type { Reports } from "../../services/reports.js";
import { type MountDeps, mount, type RawBody } from "../mount.js";
import { inlineStyleCsp } from "../security-headers.js";

const REPORT_CSP = inlineStyleCsp(REPORT_STYLE);

function render(report: Report, format: "json" | "csv" | "html"): Report | RawBody {
  if (format === "csv")
    return {
      raw: reportCsv(report),
      contentType: "text/csv; charset=utf-8",
      filename: reportCsvFilename(report),
    };
  if (format === "html")
    return {
      raw: reportHtml(report),
      contentType: "text/html; charset=utf-8",
      contentSecurityPolicy: REPORT_CSP,
    };
  return report;
}

const catalog = { database: [...DATABASE_PARAMETERS], pair: [...PAIR_PARAMETERS] };

export function mountDatabases(
  router: Router,
  deps: MountDeps,
  services: {
    databases: Databases;
    ownerPasswords: OwnerPasswords;
    restores: DatabaseRestores;
    access: Access;
    reports: Reports;
    insights: Insights;
  },
): void {
  const { databases } = services;
  mount(router, deps, settingsApi.parameterCatalog, async () => catalog);
  mount(router, deps, api.createDatabase, async ({ actor, body }) => databases.create(actor, body));
  mount(router, deps, api.listDatabases, async ({ actor, query }) => ({
    databases: await databases.list(actor, query),
  }));
  mount(router, deps, api.getDatabase, async ({ actor, params }) => ({
    database: await databases.get(actor, params.id),
  }));
  mount(router, deps, api.updateDatabase, async ({ actor, params, body }) => ({
    database: await databases.update(actor, params.id, body),
  }));
  mount(router, deps, api.deleteDatabase, async ({ actor, params, body }) =>
    databases.remove(actor, params.id, body.confirm),
  );
  mount(router, deps, api.restoreDatabase, async ({ actor, params, body }) =>
    services.restores.restore(actor, params.id, body),
  );

  mount(router, deps, api.queryInsights, async ({ actor, params, query }) =>
    services.insights.topStatements(actor, params.id, query),
  );
  mount(router, deps, api.slowQueries, async ({ actor, params, query }) =>
    services.insights.slowQueries(actor, params.id, query),
  );

  mount(router, deps, api.databaseConnection, async ({ actor, params }) => ({
    connection: await databases.connection(actor, params.id),
  }));
  mount(router, deps, api.resetOwnerPassword, async ({ actor, params, body }) =>
    services.ownerPasswords.change(actor, params.id, body),
  );

  mount(router, deps, access.createAccessRequest, async ({ actor, body }) => ({
    accessRequest: await services.access.create(actor, body),
  }));
  mount(router, deps, access.listAccessRequests, async ({ actor, query }) => ({
    accessRequests: await services.access.list(actor, query),
  }));
  mount(router, deps, access.approveAccessRequest, async ({ actor, params, body }) => ({
    accessRequest: await services.access.approve(actor, params.id, body),
  }));
  mount(router, deps, access.denyAccessRequest, async ({ actor, params, body }) => ({
    accessRequest: await services.access.deny(actor, params.id, body),
  }));
  mount(router, deps, access.revokeAccessRequest, async ({ actor, params }) => ({
    accessRequest: await services.access.revoke(actor, params.id),
  }));
  mount(router, deps, access.accessCredentials, async ({ actor, params }) =>
    services.access.collect(actor, params.id),
  );
  mount(router, deps, api.rotateAccessCredentials, async ({ actor, params, body }) => ({
    accessRequest: await services.access.rotate(actor, params.id, body),
  }));

  mount(router, deps, reportsApi.databaseReport, async ({ actor, params, query }) =>
    render(await services.reports.database(actor, params.id, query), query.format),
  );
  mount(router, deps, reportsApi.pairReport, async ({ params, query }) =>
    render(await services.reports.pair(params.id, query), query.format),
  );
}
