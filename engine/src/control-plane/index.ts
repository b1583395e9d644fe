// A control plane on a host, installed over SSH (no Pulumi needed): its store, artefact, TLS and
// service. The same host may serve as the pairs' witness (PairConfiguration sets that up per pair).

export {
  controlPlaneCertificate,
  type GeneratedControlPlaneTls,
  generateAdminPassword,
  generateControlPlaneTls,
} from "./generated.js";
export {
  type ControlPlaneInstallOptions,
  type ControlPlaneInstallResult,
  installControlPlane,
} from "./install.js";
export {
  CONTROL_PLANE_STORE_DATABASE,
  CONTROL_PLANE_STORE_ROLE,
  CONTROL_PLANE_USER,
  type ControlPlaneLayout,
  controlPlaneLayout,
} from "./layout.js";
export { loadControlPlaneArtefact } from "./load-artefact.js";
export { type ControlPlaneOnHost, removeControlPlane, stopControlPlane } from "./remove.js";
