export * from "./control-plane.js";
export * from "./database.js";
export * from "./get-pair.js";
export * as native from "./native/index.js";
export { HOST_READY_FILE, hostPackages, renderHostSetupScript } from "./plan/host-setup-script.js";
export { type IngressRule, planIngressRules } from "./plan/ingress-rules.js";
export * from "./postgres-pair.js";
export { regionOfZone, selectCloud, validatePairArgs } from "./validate-pair-args.js";
