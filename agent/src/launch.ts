// Where the agent's builds are. Hosts (namespace hosts and VMs alike) run the artefact from
// `npm run build:agent`: the bundle plus its own Node runtime, installed by the pair engine. Tests of
// the process itself may start it from its TypeScript sources through tsx. Every path is absolute:
// services start with cwd /tmp, where a bare `--import tsx` would not resolve.
import { createRequire } from "node:module";
import { arch } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { AGENT_NODE_FLAGS } from "@pgaas/common/wire";

export { AGENT_NODE_FLAGS };

const require = createRequire(import.meta.url);

/** The same for src/launch.ts and dist/launch.js: both sit one level below the package. */
const AGENT_VERSION: string = (require("../package.json") as { version: string }).version;

/** The agent's build (`npm run build`); the same file seen from src/launch.ts and dist/launch.js. */
export const AGENT_DIST_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));

/** The name of the artefact for this machine's architecture (the runtime inside is per architecture). */
export const AGENT_ARTEFACT_NAME = `pgaas-agent-${AGENT_VERSION}-linux-${arch()}`;

/** The artefact hosts run (`npm run build:agent`): pass this path to the pair engine. */
export const AGENT_ARTEFACT_PATH = fileURLToPath(
  new URL(`../dist/${AGENT_ARTEFACT_NAME}.tar.gz`, import.meta.url),
);

export function agentSourceArgv(node: string = process.execPath): string[] {
  const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
  // From src/launch.ts and from dist/launch.js alike, the sources are in ../src.
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  return [node, ...AGENT_NODE_FLAGS, "--conditions=pgaas-source", "--import", tsxLoader, main];
}
