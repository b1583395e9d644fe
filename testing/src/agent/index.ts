// The real pgaas-agent process, started from sources or from its build.
export * from "./agent-process.js";
