// @pgaas/engine/self-heal: the engine's steps and command builders for the agent to run on its own
// host (automatic rejoin, restoring one database on the primary, the scheduled restore check, a look
// at the pair as of a time). Kept apart from the main entry so the agent bundle stays free of SSH
// transport, renderers and bootstrap.
export { archiveThroughPrimary } from "./backup/archive-through-primary.js";
export { asPostgres } from "./commands/host-commands.js";
export {
  pgStopImmediateCommand,
  psqlConninfoCommand,
  writeFenceMarkerCommand,
} from "./commands/pg-commands.js";
export { memberLayout, PG_BIN_DIR } from "./layout.js";
export {
  type CommandTransport,
  Inspection,
  MemberCommands,
  type SqlTarget,
} from "./member-commands.js";
export { type Member, repmgrConninfo } from "./members.js";
export {
  type DatabaseAtTime,
  describePointInTimeOn,
  type PointInTimeContents,
} from "./operations/point-in-time.js";
export { rejoinNode, waitForRepmgrdWatching } from "./operations/rejoin-node.js";
export {
  type RestoreDatabaseRequest,
  type RestoreDatabaseResult,
  restoreDatabaseOn,
} from "./operations/restore-database.js";
export { ensureSync, type SyncSpec, waitForStreaming } from "./operations/sync.js";
export {
  type VerifyBackupResult,
  verifyLatestBackupOn,
} from "./operations/verify-backup.js";
export { confLine } from "./render/conf-quote.js";
export { SshCommandError, SshTimeoutError } from "./ssh/errors.js";
export type { RemoteCommand, RunOptions, RunResult } from "./ssh/session.js";
