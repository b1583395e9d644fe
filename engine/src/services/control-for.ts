import type { SshSession } from "../ssh/session.js";
import { detachedServices } from "./detached.js";
import type { ServiceControl } from "./service-def.js";
import { systemdServices } from "./systemd.js";

/** The service control for a host's service manager (`LocalHost.serviceManager` is "detached"). */
export function serviceControlFor(kind: "systemd" | "detached", session: SshSession): ServiceControl {
  return kind === "systemd" ? systemdServices(session) : detachedServices(session);
}
