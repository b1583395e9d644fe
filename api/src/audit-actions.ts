// Readable names for the actions the audit log records (one per audited route id): the log's filter
// and its CSV export show these instead of camelCase ids.

export const AUDIT_ACTION_LABELS: Readonly<Record<string, string>> = {
  login: "Sign in",
  logout: "Sign out",
  createUser: "Create user",
  updateUser: "Change user",
  deleteUser: "Delete user",
  createToken: "Create API token",
  deleteToken: "Revoke API token",
  registerPair: "Register pair",
  updatePair: "Update pair",
  deletePair: "Deregister pair",
  rotateAgentTokens: "Rotate agent tokens",
  switchover: "Switchover",
  takeBackup: "Take backup",
  verifyBackup: "Verify backup",
  lookAtPointInTime: "Look at pair as of a time",
  updatePairSettings: "Change pair settings",
  agentCommandResult: "Agent command result",
  createDatabase: "Create database",
  updateDatabase: "Change database",
  deleteDatabase: "Delete database",
  restoreDatabase: "Restore database",
  resetOwnerPassword: "Reset or rotate owner password",
  createAccessRequest: "Request access",
  approveAccessRequest: "Approve access",
  denyAccessRequest: "Deny access",
  revokeAccessRequest: "Revoke access",
  accessCredentials: "Collect access credentials",
  rotateAccessCredentials: "Rotate access credentials",
  issueClientCertificate: "Issue client certificate",
  revokeClientCertificate: "Revoke client certificate",
  issueOwnerCertificate: "Issue owner certificate",
  createAlertEndpoint: "Add alert webhook",
  deleteAlertEndpoint: "Remove alert webhook",
  rotateAlertEndpointSecret: "Rotate webhook secret",
  testAlertEndpoint: "Test alert webhook",
};

/** The readable name of an action; an id without one (a route added later) shows as itself. */
export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
