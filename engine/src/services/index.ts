// Service control over SSH: systemd on cloud VMs, detached daemons on namespace hosts.
//
//   serviceControlFor("systemd" | "detached", session) → ServiceControl
//   ensureRunning(def) → { changed }   starts, or restarts when the definition (argv, user, env, …) changed
//   stop(ref, { signal?, timeoutMs? }) → { changed }   signal (default def.stopSignal ?? TERM), then KILL
//   status(ref) → { running, pid? }   a zombie counts as stopped;   restart(def)
// ServiceDef: name, argv, user, workingDir, logFile, pidFile, env?, pidFileWrittenByDaemon?, daemonizes?,
// startTimeoutMs?, stopSignal?. renderSystemdUnit(def) is the pure unit renderer (golden-tested).
export { serviceControlFor } from "./control-for.js";
export { definitionHash, validateServiceDef } from "./definition-hash.js";
export { detachedServices } from "./detached.js";
export type * from "./service-def.js";
export { parseSystemdShow, systemdServices } from "./systemd.js";
export {
  envFilePath,
  renderEnvFile,
  renderSystemdUnit,
  systemdQuote,
  unitName,
  unitPath,
} from "./systemd-unit.js";
