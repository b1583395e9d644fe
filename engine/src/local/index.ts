// Local host driver: lab hosts as network namespaces reached over SSH, like cloud VMs, so
// the one SSH code path is the one tested here.
//
//   createLocalLab({ prefix, subnet: "10.231.3.0/24", hosts: ["n1", "n2", "w"], stateDir }) → LocalLab
//     lab.hosts / lab.host(name) → { name, namespace, address, ssh: SshTarget (root, pinned key), serviceManager }
//     lab.hostAddress (.1, the host side), lab.destroy();  destroyLab(stateDir) after a crash
//   labStatus(stateDir) — what exists now
//   initLocalPostgres / startLocalPostgres / stopLocalPostgres — a PostgreSQL server on this machine
// Fault injection and hostExec are for tests only: @pgaas/engine/testing.
// Needs root (LocalDriverError "needs_root"); stateDir must have no group/world-writable ancestor
// (sshd StrictModes), e.g. /run/pgaas-lab/<prefix>. Lab hosts share the machine's filesystem and
// hostname: give every member its own paths.
export { createLocalLab } from "./create-lab.js";
export { destroyLab } from "./destroy-lab.js";
export { LocalDriverError, type LocalDriverErrorCode } from "./errors.js";
export { HOST_INTERFACE } from "./lab-plan.js";
export { type LabHostStatus, type LabStatus, labStatus } from "./lab-status.js";
export type { LocalHost, LocalLab, LocalLabOptions } from "./lab-types.js";
export {
  assertPostgresCanReach,
  freePort,
  initLocalPostgres,
  type LocalPostgresOptions,
  localPostgresRunning,
  localPostgresUrl,
  startLocalPostgres,
  stopLocalPostgres,
} from "./local-postgres.js";
export type { LocalResult } from "./system.js";
