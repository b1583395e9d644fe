// The agent artefact's layout, shared by its builder (@pgaas/agent) and its installer (@pgaas/engine),
// which never import each other: a gzipped tar whose single top directory holds the Node runtime and
// the bundled agent, so a host needs no distro Node and no node_modules.
import { ARTEFACT_NODE } from "./artefact-runtime.js";

/** The bundled agent (one ES module) inside the artefact's directory. */
export const AGENT_ARTEFACT_MAIN = "pgaas-agent.mjs";

/**
 * Node flags for the agent: a 1 MB young generation (V8's default is 16 MB) keeps the resident set
 * ~9 MB smaller; the agent allocates little, so the extra scavenges cost next to no CPU.
 */
export const AGENT_NODE_FLAGS = ["--max-semi-space-size=1"] as const;

/** How an installed artefact in `dir` starts the agent (the caller appends `--config <file>`). */
export function agentArtefactArgv(dir: string): string[] {
  return [`${dir}/${ARTEFACT_NODE}`, ...AGENT_NODE_FLAGS, `${dir}/${AGENT_ARTEFACT_MAIN}`];
}
