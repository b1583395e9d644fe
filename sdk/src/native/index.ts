// Typed classes for the pgaas provider's custom resources (what a generated SDK would hold).
export * from "./control-plane-host.js";
export * from "./database.js";
export * from "./local-hosts.js";
export * from "./node-rollout.js";
export * from "./pair-configuration.js";
export * from "./pair-secrets.js";
export * from "./provider.js";
export * from "./registration.js";
export type * from "./types.js";
