// @pgaas/agent: the poller agent's building blocks, for tests, the benchmark and the pair engine.
export { Agent, type AgentOptions, type AgentStatus } from "./agent.js";
export { type CommandRunner, repmgrCommandRunner } from "./commands/command-runner.js";
export { loadAgentConfig, parseAgentConfig, readAgentToken } from "./config.js";
export type { ControlPlaneClient } from "./control-plane/client.js";
export { HttpControlPlaneClient } from "./control-plane/http-client.js";
export { type Action, type Decision, decide, type Snapshot } from "./decide.js";
export * from "./errors.js";
export type { HostProbe } from "./host/host-probe.js";
export { createAgentHttpServer } from "./http/server.js";
export { AGENT_NODE_FLAGS, agentSourceArgv } from "./launch.js";
export type { PostgresProbe, PostgresState } from "./postgres/probe.js";
export type { Repmgr, RepmgrStatus } from "./repmgr/repmgr.js";
export { DiskSpool, type SpoolStats } from "./spool/disk-spool.js";
export { type RunningAgent, startAgent } from "./start.js";
