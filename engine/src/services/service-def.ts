// What a long-running daemon on a host looks like to the engine, and how the engine controls it.
// Two implementations: `systemdServices` (cloud VMs) and `detachedServices` (namespace hosts without
// systemd). Both are idempotent: ensureRunning of a running, unchanged service does nothing.
import type { Secret } from "@pgaas/common";

export interface ServiceDef {
  /** Short name, [a-z0-9-]; systemd unit `pgaas-<name>.service`. Unique per host. */
  readonly name: string;
  /** The daemon's command line; argv[0] is an absolute path. Runs in the foreground unless `daemonizes`. */
  readonly argv: readonly string[];
  /** Unix user the daemon runs as. */
  readonly user: string;
  /** Directory the daemon starts in (must be readable by `user`, or its tools fail). */
  readonly workingDir: string;
  /** stdout and stderr are appended here (its directory must exist and be writable by root). */
  readonly logFile: string;
  /** Where the daemon's PID is kept. Per node: namespace hosts share one filesystem. */
  readonly pidFile: string;
  readonly env?: Readonly<Record<string, string | Secret>>;
  /**
   * The daemon writes `pidFile` itself (postgres' postmaster.pid, `keepalived -p`): the engine reads
   * the PID from its first line instead of writing it. Default false.
   */
  readonly pidFileWrittenByDaemon?: boolean;
  /**
   * argv starts a daemon and returns (e.g. `pg_ctl start`): implies `pidFileWrittenByDaemon`; systemd
   * uses Type=forking. Default false.
   */
  readonly daemonizes?: boolean;
  /** How long to wait for the PID to appear and stay alive after start. Default 10 000. */
  readonly startTimeoutMs?: number;
  /**
   * The signal that stops the daemon cleanly (e.g. INT for a postgres fast shutdown), used by stop()
   * without an explicit signal and by restarts after a definition change. Default TERM.
   */
  readonly stopSignal?: StopSignal;
}

/** Enough to find a running service: its name and PID file (and its stop signal). A full ServiceDef fits. */
export type ServiceRef = Pick<ServiceDef, "name" | "pidFile" | "stopSignal">;

export interface ServiceStatus {
  /** True when the PID is alive and not a zombie (a zombie counts as stopped: daemons started over SSH
   * are re-parented to a PID 1 that may never reap them). */
  readonly running: boolean;
  readonly pid?: number;
}

export type StopSignal = "TERM" | "INT" | "QUIT" | "KILL" | "HUP";

export interface StopOptions {
  /** First signal; default the service's stopSignal, else TERM. After `timeoutMs` without exit: KILL. */
  readonly signal?: StopSignal;
  /** Default 30 000. */
  readonly timeoutMs?: number;
}

export interface ServiceChange {
  readonly changed: boolean;
}

export interface ServiceControl {
  readonly kind: "systemd" | "detached";
  /**
   * Starts the service if it is not running, or restarts it when its definition changed since it
   * was started (argv, user, env, …). Returns changed=false when it was already running unchanged.
   */
  ensureRunning(def: ServiceDef): Promise<ServiceChange>;
  /** Stops the service; changed=false when it was not running. */
  stop(service: ServiceRef, options?: StopOptions): Promise<ServiceChange>;
  status(service: ServiceRef): Promise<ServiceStatus>;
  /** Stops (if running) and starts again, always. */
  restart(def: ServiceDef, options?: StopOptions): Promise<void>;
}
