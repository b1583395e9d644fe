// Local host driver: lab hosts as network namespaces reached over SSH (ARCHITECTURE.md decision 8).
export { createLocalLab } from "./create-lab.js";
export { destroyLab } from "./destroy-lab.js";
export { LocalDriverError, type LocalDriverErrorCode } from "./errors.js";
export { heal, isolateHost, partition, restoreHost } from "./faults.js";
export { hostExec } from "./host-exec.js";
export { HOST_INTERFACE } from "./lab-plan.js";
export { type LabHostStatus, type LabStatus, labStatus } from "./lab-status.js";
export type { LocalHost, LocalLab, LocalLabOptions } from "./lab-types.js";
export type { LocalResult } from "./system.js";
