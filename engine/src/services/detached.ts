// Service control for hosts without systemd (local namespace hosts): daemons are started detached
// (`setsid` + `runuser -u <user>`, output appended to the log file) and found again by PID file.
//
//   const services = detachedServices(session);
//   await services.ensureRunning({ name: "keepalived", argv: ["/usr/sbin/keepalived", "-n", "-l", "-D", "-f", conf,
//     "-p", pid], user: "root", workingDir: "/", logFile, pidFile: pid, pidFileWrittenByDaemon: true });
//   await services.stop({ name: "keepalived", pidFile: pid }, { signal: "TERM", timeoutMs: 10_000 });

import type { SshSession } from "../ssh/session.js";
import { definitionHash, validateServiceDef } from "./definition-hash.js";
import {
  parseStatus,
  type StartMode,
  startCommand,
  statusCommand,
  stopCommand,
} from "./detached-commands.js";
import type {
  ServiceChange,
  ServiceControl,
  ServiceDef,
  ServiceRef,
  ServiceStatus,
  StopOptions,
} from "./service-def.js";

const DEFAULT_START_TIMEOUT_MS = 10_000;
const DEFAULT_STOP_TIMEOUT_MS = 30_000;
/** Room for the remote script's own waits (KILL grace, post-start check) beyond the caller's limits. */
const SCRIPT_SLACK_MS = 10_000;

function startMode(def: ServiceDef): StartMode {
  if (def.daemonizes) return "forks";
  return def.pidFileWrittenByDaemon ? "daemon" : "own";
}

export function detachedServices(session: SshSession): ServiceControl {
  const status = async (service: ServiceRef) => {
    const { stdout } = await session.runChecked(statusCommand(service.pidFile), {
      step: `service ${service.name}: status`,
      timeoutMs: 10_000,
    });
    return parseStatus(stdout);
  };

  const start = async (def: ServiceDef) => {
    const startTimeoutMs = def.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    await session.runChecked(
      startCommand({
        pidFile: def.pidFile,
        logFile: def.logFile,
        workingDir: def.workingDir,
        user: def.user,
        mode: startMode(def),
        definitionHash: definitionHash(def),
        startTimeoutMs,
        argv: def.argv,
      }),
      { step: `service ${def.name}: start`, timeoutMs: startTimeoutMs + SCRIPT_SLACK_MS, env: def.env },
    );
  };

  const stop = async (service: ServiceRef, options?: StopOptions): Promise<ServiceChange> => {
    const timeoutMs = options?.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const { stdout } = await session.runChecked(
      stopCommand(service.pidFile, options?.signal ?? service.stopSignal ?? "TERM", timeoutMs),
      {
        step: `service ${service.name}: stop`,
        timeoutMs: timeoutMs + SCRIPT_SLACK_MS,
      },
    );
    return { changed: stdout.startsWith("stopped") };
  };

  return {
    kind: "detached",
    async ensureRunning(def: ServiceDef): Promise<ServiceChange> {
      validateServiceDef(def);
      const current = await status(def);
      if (current.running && current.definitionHash === definitionHash(def)) return { changed: false };
      if (current.running) await stop(def);
      await start(def);
      return { changed: true };
    },
    stop,
    async status(service: ServiceRef): Promise<ServiceStatus> {
      const current = await status(service);
      return current.running ? { running: true, pid: current.pid } : { running: false };
    },
    async restart(def: ServiceDef, options?: StopOptions): Promise<void> {
      validateServiceDef(def);
      await stop(def, options);
      await start(def);
    },
  };
}
