// How to start the agent from its TypeScript sources (local namespace hosts; VMs run the single-file
// bundle from agent/build-bundle.ts, uploaded by the pair engine). Every path is absolute: services start with cwd /tmp, where a bare
// `--import tsx` would not resolve.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

/**
 * Node flags for the agent, built or not: a 1 MB young generation (V8's default is 16 MB) keeps the
 * resident set ~9 MB smaller; the agent allocates little, so the extra scavenges cost next to no CPU.
 */
export const AGENT_NODE_FLAGS = ["--max-semi-space-size=1"] as const;

/** The agent's build (`npm run build`); the same file seen from src/launch.ts and dist/launch.js. */
export const AGENT_DIST_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** The single-file bundle for VMs (`npm run build:agent`): the artefact the pair engine uploads. */
export const AGENT_BUNDLE_PATH = fileURLToPath(new URL("../dist/pgaas-agent.mjs", import.meta.url));

export function agentSourceArgv(node: string = process.execPath): string[] {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  // From src/launch.ts and from dist/launch.js alike, the sources are in ../src.
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  return [node, ...AGENT_NODE_FLAGS, "--conditions=pgaas-source", "--import", tsxLoader, main];
}
