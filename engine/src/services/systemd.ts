// Service control through systemd (cloud VMs): the unit (and a 0600 env file when the service has
// env) is installed only when its bytes differ; a changed unit means daemon-reload + restart.
//
//   const services = systemdServices(session);
//   const { changed } = await services.ensureRunning(def); // writes /etc/systemd/system/pgaas-<name>.service
import type { SshSession } from "../ssh/session.js";
import { validateServiceDef } from "./definition-hash.js";
import type { ServiceChange, ServiceControl, ServiceRef, ServiceStatus, StopOptions } from "./service-def.js";
import {
  ENV_DIR,
  envFilePath,
  renderEnvFile,
  renderSystemdUnit,
  type SystemdServiceDef,
  unitName,
  unitPath,
} from "./systemd-unit.js";

const DEFAULT_STOP_TIMEOUT_MS = 30_000;
const SYSTEMCTL_TIMEOUT_MS = 90_000;

/** Parses `systemctl show -p ActiveState -p MainPID` output. */
export function parseSystemdShow(stdout: string): ServiceStatus {
  const values = new Map(
    stdout
      .split("\n")
      .filter((line) => line.includes("="))
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1).trim()] as const),
  );
  const active = ["active", "activating", "reloading"].includes(values.get("ActiveState") ?? "");
  const pid = Number(values.get("MainPID") ?? "0");
  if (!active) return { running: false };
  return pid > 0 ? { running: true, pid } : { running: true };
}

export function systemdServices(session: SshSession): ServiceControl {
  const systemctl = (args: readonly string[], step: string, timeoutMs = SYSTEMCTL_TIMEOUT_MS) =>
    session.runChecked(["systemctl", ...args], { step, timeoutMs });

  const status = async (service: ServiceRef): Promise<ServiceStatus> => {
    const { stdout } = await systemctl(
      ["show", "-p", "ActiveState", "-p", "MainPID", unitName(service.name)],
      `service ${service.name}: status`,
    );
    return parseSystemdShow(stdout);
  };

  const install = async (def: SystemdServiceDef): Promise<boolean> => {
    const step = `service ${def.name}: install unit`;
    const env = renderEnvFile(def);
    let changed = false;
    if (env !== undefined) {
      await session.runChecked(["mkdir", "-p", "-m", "0700", ENV_DIR], { step });
      changed = (
        await session.upload(envFilePath(def.name), env, { step, mode: 0o600, owner: "root", group: "root" })
      ).changed;
    }
    const unit = await session.upload(unitPath(def.name), renderSystemdUnit(def), {
      step,
      mode: 0o644,
      owner: "root",
      group: "root",
    });
    changed = unit.changed || changed;
    if (changed) await systemctl(["daemon-reload"], step);
    return changed;
  };

  const stop = async (service: ServiceRef, options?: StopOptions): Promise<ServiceChange> => {
    if (!(await status(service)).running) return { changed: false };
    const step = `service ${service.name}: stop`;
    const timeoutMs = options?.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    if (options?.signal) {
      await systemctl(
        ["kill", "--kill-whom=main", `--signal=${options.signal}`, unitName(service.name)],
        step,
      );
    }
    await systemctl(["stop", unitName(service.name)], step, timeoutMs);
    return { changed: true };
  };

  return {
    kind: "systemd",
    // A ServiceDef may carry the SystemdServiceDef fields (boot order): they go into the unit.
    async ensureRunning(def: SystemdServiceDef): Promise<ServiceChange> {
      validateServiceDef(def);
      const unitChanged = await install(def);
      await systemctl(["enable", unitName(def.name)], `service ${def.name}: enable`);
      const running = (await status(def)).running;
      if (running && !unitChanged) return { changed: false };
      await systemctl([running ? "restart" : "start", unitName(def.name)], `service ${def.name}: start`);
      return { changed: true };
    },
    stop,
    status,
    async restart(def: SystemdServiceDef, options?: StopOptions): Promise<void> {
      validateServiceDef(def);
      await install(def);
      await stop(def, options);
      await systemctl(["start", unitName(def.name)], `service ${def.name}: start`);
    },
  };
}
