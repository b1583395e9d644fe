// Wires the domain services over one store.
import type { Logger } from "@pgaas/common";
import { createSecretBox } from "../crypto/cipher.js";
import type { Store } from "../store/db.js";
import { type Access, createAccess } from "./access.js";
import { type AgentIngest, createAgentIngest } from "./agent-ingest.js";
import { type AlertDelivery, createAlertDelivery } from "./alert-delivery.js";
import { type Alerts, createAlerts } from "./alerts.js";
import { type AuditLog, createAuditLog } from "./audit.js";
import { type Backups, createBackups } from "./backups.js";
import { type ClientCertificates, createClientCertificates } from "./client-certificates.js";
import { createDatabaseRestores, type DatabaseRestores } from "./database-restore.js";
import { createDatabases, type Databases } from "./databases.js";
import { createInsights, type Insights } from "./insights.js";
import { createLoginThrottle } from "./login-throttle.js";
import { createOwnerPasswords, type OwnerPasswords } from "./owner-password.js";
import { createPairSettings, type PairSettings } from "./pair-settings.js";
import { createPairs, type Pairs } from "./pairs.js";
import { createPointInTimeLooks, type PointInTimeLooks } from "./point-in-time.js";
import { createReports, type Reports } from "./reports.js";
import { createUsers, type Users } from "./users.js";

export interface Services {
  readonly store: Store;
  readonly logger: Logger;
  readonly users: Users;
  readonly pairs: Pairs;
  readonly backups: Backups;
  readonly ingest: AgentIngest;
  readonly databases: Databases;
  readonly ownerPasswords: OwnerPasswords;
  readonly insights: Insights;
  readonly restores: DatabaseRestores;
  readonly pointInTimeLooks: PointInTimeLooks;
  readonly pairSettings: PairSettings;
  readonly access: Access;
  readonly clientCertificates: ClientCertificates;
  readonly reports: Reports;
  readonly audit: AuditLog;
  readonly alerts: Alerts;
  /** The alert outbox; the server ticks it (startServer), tests drive it with their own clock. */
  readonly alertOutbox: AlertDelivery;
  /** Directory of the built web portal, served with an SPA fallback when present. */
  readonly webDir?: string;
  readonly secureCookies: boolean;
}

export function createServices(options: {
  store: Store;
  secretKey: Buffer;
  logger: Logger;
  webDir?: string;
  secureCookies?: boolean;
}): Services {
  const box = createSecretBox(options.secretKey);
  const pairs = createPairs(options.store, box);
  const backups = createBackups(options.store, pairs);
  // Each needs the other: certificates look grants and databases up; revoking or rotating a grant, or
  // deleting a database, revokes them.
  const clientCertificates = createClientCertificates(
    options.store,
    box,
    pairs,
    (actor, id) => access.grantFor(actor, id),
    (actor, id) => databases.managed(actor, id),
  );
  const databases = createDatabases(options.store, pairs, options.logger, backups, clientCertificates);
  const restores = createDatabaseRestores(options.store, pairs, databases, options.logger);
  const alertOutbox = createAlertDelivery(options.store, box);
  const access = createAccess(options.store, box, pairs, databases, options.logger, clientCertificates);
  return {
    store: options.store,
    logger: options.logger,
    users: createUsers(options.store, createLoginThrottle()),
    pairs,
    backups,
    ingest: createAgentIngest(
      options.store,
      Date.now,
      { restoreFailed: (id) => restores.undo(id) },
      clientCertificates,
    ),
    databases,
    ownerPasswords: createOwnerPasswords(options.store, pairs, databases, options.logger),
    insights: createInsights(options.store, databases, pairs),
    restores,
    pointInTimeLooks: createPointInTimeLooks(options.store, pairs),
    pairSettings: createPairSettings(options.store, pairs),
    access,
    clientCertificates,
    reports: createReports(options.store, pairs, databases),
    audit: createAuditLog(options.store),
    alerts: createAlerts(options.store, box, alertOutbox),
    alertOutbox,
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
    secureCookies: options.secureCookies ?? false,
  };
}
