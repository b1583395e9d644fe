// How to start the agent from its TypeScript sources (local namespace hosts; VMs run the build,
// `node agent/dist/main.js`). Every path is absolute: services start with cwd /tmp, where a bare
// `--import tsx` would not resolve.
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";

export function agentSourceArgv(node: string = process.execPath): string[] {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  // From src/launch.ts and from dist/launch.js alike, the sources are in ../src.
  const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
  return [node, "--conditions=pgaas-source", "--import", tsxLoader, main];
}
