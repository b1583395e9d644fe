// The Express application: request ids, security headers, the cross-site write guard, JSON body
// limit, metrics, /healthz, /openapi.json, /docs, the API routes, the web portal (SPA fallback) and
// the error middleware.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ROUTES } from "@pgaas/api";
import { ForbiddenError, NotFoundError, UnauthenticatedError } from "@pgaas/common";
import { PGAAS_VERSION } from "@pgaas/common/wire";
import express, { type Express } from "express";
import type { Services } from "../services/index.js";
import { ping } from "../store/db.js";
import { createAuthenticate } from "./authenticate.js";
import { crossSiteGuard } from "./cross-site-guard.js";
import { docsRouter } from "./docs.js";
import { errorMiddleware } from "./error-middleware.js";
import { mountAccess } from "./handlers/access.js";
import { mountAgent } from "./handlers/agent.js";
import { mountAlerts } from "./handlers/alerts.js";
import { mountAudit } from "./handlers/audit.js";
import { mountAuth } from "./handlers/auth.js";
import { mountBackups } from "./handlers/backups.js";
import { mountDatabases } from "./handlers/databases.js";
import { mountPairs } from "./handlers/pairs.js";
import { createMetrics } from "./metrics.js";
import type { MountDeps } from "./mount.js";
import { openApiDocument } from "./openapi.js";
import { securityHeaders } from "./security-headers.js";
import { staticAssets } from "./static-assets.js";

export const BODY_LIMIT = "1mb";
const VERSION = PGAAS_VERSION;

export interface AppOptions {
  /** Proxies whose X-Forwarded-* headers are believed (addresses or CIDRs); none by default. */
  readonly trustedProxies?: readonly string[];
  /** The server itself serves HTTPS: browsers are told to use nothing else (HSTS). */
  readonly https?: boolean;
}

export function createApp(services: Services, options: AppOptions = {}): Express {
  const app = express();
  app.disable("x-powered-by");
  const trusted = options.trustedProxies ?? [];
  app.set("trust proxy", trusted.length === 0 ? false : [...trusted]);
  app.set("query parser", "simple");
  const metrics = createMetrics();
  const authenticate = createAuthenticate(services.users, services.pairs);

  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId =
      incoming !== undefined && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const route = (req.route as { path?: string } | undefined)?.path ?? "unmatched";
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
      services.logger.debug("request", {
        requestId,
        method: req.method,
        route,
        status: res.statusCode,
        ms: seconds * 1000,
      });
    });
    next();
  });
  app.use(securityHeaders({ hsts: options.https ?? false }));
  app.use(crossSiteGuard());
  app.use(express.json({ limit: BODY_LIMIT }));

  app.get("/healthz", async (_req, res) => {
    try {
      await ping(services.store);
      res.json({ status: "ok" });
    } catch {
      res.status(503).json({ status: "store_unavailable" });
    }
  });
  // Route names, volumes and latencies tell an outsider what runs here: admins only (an admin's API
  // token for a Prometheus scraper), the same on every address the server listens on.
  app.get("/metrics", async (req, res) => {
    const actor = await authenticate(req);
    if (actor === undefined) throw new UnauthenticatedError();
    if (actor.kind !== "user" || actor.role !== "admin") throw new ForbiddenError("admins only");
    res.type("text/plain; version=0.0.4").send(metrics.render());
  });
  const document = openApiDocument(ROUTES, VERSION);
  app.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  app.use(docsRouter());

  const router = express.Router();
  const deps: MountDeps = {
    authenticate,
    audit: services.audit,
    unaudited: new Set(["agentReport"]),
    logger: services.logger,
  };
  mountAuth(router, deps, services.users, services.secureCookies);
  mountPairs(router, deps, services.pairs, services.pairSettings);
  mountBackups(router, deps, services.backups, services.pointInTimeLooks);
  mountAgent(router, deps, services.ingest, metrics);
  mountDatabases(router, deps, services);
  mountAccess(router, deps, services.access, services.clientCertificates);
  mountAudit(router, deps, services.audit);
  mountAlerts(router, deps, services.alerts);
  app.use(router);
  app.use("/v1", () => {
    throw new NotFoundError("no such route", { code: "route_not_found" });
  });

  const webDir = services.webDir;
  if (webDir !== undefined && existsSync(join(webDir, "index.html"))) app.use(staticAssets(webDir));
  app.use(errorMiddleware(services.logger));
  return app;
}
