export * from "./agent-config.js";
export * from "./agent-report.js";
