// Takes a control plane off a host. `stopControlPlane` stops the server and the store and removes
// their units on systemd hosts, keeping every file (the store holds the registry: Pulumi's delete of
// a ControlPlaneHost keeps it). `removeControlPlane` also deletes the instance's directories, store
// included (a retired host, the system test's cleanup). The system user stays for other instances.
import { shellCommand } from "@pgaas/common";
import { serviceControlFor } from "../services/control-for.js";
import { envFilePath, unitName, unitPath } from "../services/systemd-unit.js";
import type { SshSession } from "../ssh/session.js";
import { serverServiceRef } from "./install.js";
import { controlPlaneLayout } from "./layout.js";
import { storeService } from "./store.js";

export interface ControlPlaneOnHost {
  readonly name: string;
  readonly serviceManager: "systemd" | "detached";
}

export async function stopControlPlane(ssh: SshSession, options: ControlPlaneOnHost): Promise<void> {
  const layout = controlPlaneLayout(options.name);
  const services = serviceControlFor(options.serviceManager, ssh);
  const server = serverServiceRef(layout);
  const store = storeService(layout);
  await services.stop(server);
  await services.stop(store);
  if (options.serviceManager === "systemd") {
    const names = [server.name, store.name];
    await ssh.runChecked(
      `systemctl disable ${shellCommand(names.map(unitName))} && rm -f ${shellCommand(names.flatMap((name) => [unitPath(name), envFilePath(name)]))} && systemctl daemon-reload`,
      { step: `control-plane ${layout.name}: remove units`, timeoutMs: 90_000 },
    );
  }
}

export async function removeControlPlane(ssh: SshSession, options: ControlPlaneOnHost): Promise<void> {
  await stopControlPlane(ssh, options);
  const layout = controlPlaneLayout(options.name);
  const dirs = [layout.configDir, layout.storeDataDir.replace(/\/store$/, ""), layout.logDir];
  await ssh.runChecked(`rm -rf -- ${shellCommand(dirs)}`, {
    step: `control-plane ${layout.name}: remove`,
    timeoutMs: 120_000,
  });
}
