// The control-plane API contract: every route (the server mounts exactly these; the OpenAPI document
// lists exactly these) and callRoute, the typed client for them.
import * as access from "./access-requests.js";
import * as agent from "./agent.js";
import * as alerts from "./alerts.js";
import * as audit from "./audit.js";
import * as auth from "./auth.js";
import * as backups from "./backups.js";
import * as clientCertificates from "./client-certificates.js";
import * as credentials from "./credentials.js";
import * as databases from "./databases.js";
import * as insights from "./insights.js";
import * as pairs from "./pairs.js";
import * as pointInTime from "./point-in-time.js";
import * as reports from "./reports.js";
import type { RouteSpec } from "./route.js";
import * as settings from "./settings.js";

export * from "./access-requests.js";
export * from "./agent.js";
export * from "./alerts.js";
export * from "./audit.js";
export * from "./audit-actions.js";
export * from "./auth.js";
export * from "./backups.js";
export * from "./client.js";
export * from "./client-certificates.js";
export * from "./common.js";
export * from "./credentials.js";
export * from "./databases.js";
export * from "./insights.js";
export * from "./issue-messages.js";
export * from "./pairs.js";
export * from "./point-in-time.js";
export * from "./reports.js";
export * from "./route.js";
export * from "./settings.js";

export const ROUTES: readonly RouteSpec[] = [
  auth.login,
  auth.logout,
  auth.me,
  auth.listUsers,
  auth.createUser,
  auth.updateUser,
  auth.deleteUser,
  auth.listTokens,
  auth.createToken,
  auth.deleteToken,
  pairs.listPairs,
  pairs.registerPair,
  pairs.getPair,
  pairs.updatePair,
  pairs.deletePair,
  pairs.rotateAgentTokens,
  pairs.listPairEvents,
  pairs.switchover,
  backups.listBackups,
  backups.takeBackup,
  backups.verifyBackup,
  pointInTime.lookAtPointInTime,
  pointInTime.getPointInTimeLook,
  settings.parameterCatalog,
  settings.updatePairSettings,
  agent.agentReport,
  agent.agentCommandResult,
  databases.createDatabase,
  databases.listDatabases,
  databases.getDatabase,
  databases.updateDatabase,
  databases.deleteDatabase,
  insights.queryInsights,
  insights.slowQueries,
  databases.restoreDatabase,
  credentials.databaseConnection,
  credentials.resetOwnerPassword,
  access.createAccessRequest,
  access.listAccessRequests,
  access.approveAccessRequest,
  access.denyAccessRequest,
  access.revokeAccessRequest,
  access.accessCredentials,
  access.pendingAccessCount,
  access.accessTarget,
  credentials.rotateAccessCredentials,
  clientCertificates.issueClientCertificate,
  clientCertificates.listClientCertificates,
  clientCertificates.revokeClientCertificate,
  clientCertificates.issueOwnerCertificate,
  clientCertificates.listOwnerCertificates,
  reports.databaseReport,
  reports.pairReport,
  audit.listAudit,
  audit.exportAudit,
  alerts.listAlertEndpoints,
  alerts.createAlertEndpoint,
  alerts.deleteAlertEndpoint,
  alerts.rotateAlertEndpointSecret,
  alerts.testAlertEndpoint,
  alerts.listAlertDeliveries,
];
