// A test-only Pulumi deployment engine (see README.md): not a product feature.
export {
  createPulumiEngine,
  DeploymentError,
  type OperationResult,
  type PulumiEngine,
  type PulumiEngineOptions,
  type Step,
  type StepOp,
} from "./deployment.js";
export type { LogEntry } from "./monitor-server.js";
export { type ProviderPlugin, runPluginScript, startProviderPlugin } from "./provider-plugin.js";
export type { ResourceState } from "./state-file.js";
