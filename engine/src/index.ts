// The pair engine's public API (usable without Pulumi): spec, secrets, pure renderers and planners,
// bootstrap and operations over SSH. The SSH transport, service control and the local host driver
// have their own entry points (@pgaas/engine/ssh, @pgaas/engine/local); fault injection and lab
// fixtures are in @pgaas/engine/testing.

export type { BackupEntry, BackupInventory, RepositoryInfo } from "@pgaas/common/wire";
export { pairBackupRoots } from "./backup/backup-layout.js";
export { BackupRepository, BackupSpec } from "./backup/backup-spec.js";
export { RestoreFromSpec } from "./backup/restore-from-spec.js";
export type { AgentArtefact } from "./bootstrap/agent-artefact.js";
export {
  type BootstrapOptions,
  type BootstrapResult,
  bootstrapPair,
  endpointAcceptsWrite,
} from "./bootstrap/bootstrap.js";
export {
  decideRoles,
  type NodeAction,
  type NodeObservation,
  type RolePlan,
} from "./bootstrap/decide-roles.js";
export { ensureTenantBoundary, type SuperuserSql } from "./bootstrap/tenant-boundary.js";
export { holdsAddress } from "./commands/status-commands.js";
export * from "./control-plane/index.js";
export type { HostTarget, PairHosts } from "./hosts.js";
export {
  type MemberLayout,
  memberLayout,
  PG_BIN_DIR,
  pairConfigRoot,
  pairRoots,
  scriptPaths,
} from "./layout.js";
export { allMembers, type Member, nodeMember, repmgrConninfo, witnessMember } from "./members.js";
export {
  type BackupList,
  type DatabaseAtTime,
  describePointInTime,
  listBackups,
  type PointInTime,
  type PointInTimeContents,
  type RestoreDatabaseRequest,
  type RestoreDatabaseResult,
  removeScratch,
  restoreDatabase,
  restorePairToScratch,
  type ScratchInstance,
  takeBackup,
} from "./operations/backups.js";
export { growDataFilesystemCommand, growDataFilesystems } from "./operations/grow-data-filesystem.js";
export { type RejoinResult, rejoin } from "./operations/rejoin.js";
export {
  type PreviousHost,
  type ReplaceMemberOptions,
  type ReplaceMemberResult,
  replaceMember,
} from "./operations/replace-member.js";
export {
  type NodeRole,
  type NodeStatus,
  type PairStatus,
  pairStatus,
  type ReplicationState,
} from "./operations/status.js";
export { type SwitchoverResult, switchover } from "./operations/switchover.js";
export {
  type TeardownOptions,
  type TeardownResult,
  teardownPair,
  type UnreachableMember,
} from "./operations/teardown.js";
export { pairRegistration } from "./pair-registration.js";
export { openPairSessions, type PairSessions } from "./pair-sessions.js";
export {
  type Daemon,
  type NodeFileExtras,
  planNodeFiles,
  planWitnessFiles,
  type RenderedFile,
} from "./plan-files.js";
export type { ProgressEvent, ProgressListener, StepTiming } from "./progress.js";
export { bodyHash, MANAGED_NOTICE } from "./render/header.js";
export { REPMGR_DATABASE, REPMGR_USER } from "./render/pg-hba.js";
export { renderPgbouncerDatabases } from "./render/pgbouncer-ini.js";
export { REPMGR_BIN } from "./render/repmgr-conf.js";
export {
  generatePairSecrets,
  type PairSecretOptions,
  type PairSecrets,
  pairSecretsFrom,
  revealPairSecrets,
  StoredPairSecrets,
  withBackupKey,
  withTlsCa,
} from "./secrets.js";
export { agentService } from "./service-defs.js";
export { FIXED_PARAMETERS, resolveSettings, type Settings } from "./settings.js";
export {
  FENCE_PROBE_TIMEOUT_SECS,
  type NodeSpec,
  PairSpec,
  type PairSpecInput,
  parsePairSpec,
  type WitnessSpec,
} from "./spec.js";
export { adminRoleSql, psqlScript } from "./sql/roles-sql.js";
export {
  generatePairCa,
  generateServerKey,
  issueServerCertificate,
  type PairCa,
  validatePairCa,
} from "./tls/certificates.js";
export { type ControlPlaneTls, ensureControlPlaneTls } from "./tls/control-plane-tls.js";
