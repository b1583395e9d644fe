// Takes a control plane off a host (a brought-your-own host being retired, the system test's
// cleanup): stops the server and the store, removes their units on systemd hosts, and deletes the
// instance's directories — its store with them. The system user stays: other instances may use it.
import { shellCommand } from "@pgaas/common";
import { serviceControlFor } from "../services/control-for.js";
import { envFilePath, unitName, unitPath } from "../services/systemd-unit.js";
import type { SshSession } from "../ssh/session.js";
import { serverServiceRef } from "./install.js";
import { controlPlaneLayout } from "./layout.js";
import { storeService } from "./store.js";

export async function removeControlPlane(
  ssh: SshSession,
  options: { readonly name: string; readonly serviceManager: "systemd" | "detached" },
): Promise<void> {
  const layout = controlPlaneLayout(options.name);
  const services = serviceControlFor(options.serviceManager, ssh);
  const step = `control-plane ${layout.name}: remove`;
  const server = serverServiceRef(layout);
  const store = storeService(layout);
  await services.stop(server);
  await services.stop(store);
  const names = [server.name, store.name];
  if (options.serviceManager === "systemd") {
    await ssh.runChecked(
      `systemctl disable ${shellCommand(names.map(unitName))} && rm -f ${shellCommand(names.flatMap((name) => [unitPath(name), envFilePath(name)]))} && systemctl daemon-reload`,
      { step, timeoutMs: 90_000 },
    );
  }
  const dirs = [layout.configDir, layout.storeDataDir.replace(/\/store$/, ""), layout.logDir];
  await ssh.runChecked(`rm -rf -- ${shellCommand(dirs)}`, { step, timeoutMs: 120_000 });
}
