// A real control plane for tests and benchmarks: the harness (store, a managed node and the server
// on free ports) and the stack the agent system test and benchmark report to.
export * from "./agent-pair-file.js";
export * from "./bench-pair.js";
export * from "./control-plane-stack.js";
export * from "./deploy-agent-pair.js";
export * from "./harness.js";
export * from "./https-server-config.js";
export * from "./protected-pair.js";
export * from "./rolling-replace.js";
