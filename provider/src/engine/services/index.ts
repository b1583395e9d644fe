// Service control over SSH: systemd on cloud VMs, detached daemons on namespace hosts.
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
