export * from "./agent-artefact.js";
export * from "./agent-config.js";
export * from "./agent-report.js";
export * from "./backup-inventory.js";
export * from "./first-boot.js";
export * from "./managed-parameters.js";
export * from "./names.js";
export * from "./platform.js";
