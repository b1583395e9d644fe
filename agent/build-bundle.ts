// Builds the agent as one self-contained ES module: hosts have no node_modules, so every dependency is
// inlined. The bundle runs on the Node runtime packed beside it (build-artefact.ts), so the syntax
// target is that runtime's release line.
//
//   buildAgentBundle({ outfile })            → { outfile, bytes }
import { stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/** The release line of the runtime shipped in the artefact (the root `node` devDependency). */
export const BUNDLE_NODE_TARGET = "node24";

export const AGENT_ENTRY = fileURLToPath(new URL("./src/main.ts", import.meta.url));

// pg and its helpers are CommonJS: inside an ES module their `require` of Node built-ins needs a real
// `require`, which an .mjs file does not have.
// (esbuild keeps main.ts's own `#!` line above this banner.)
const REQUIRE_SHIM = [
  "// pgaas-agent, bundled by agent/build-bundle.ts - do not edit.",
  'import { createRequire as __pgaasCreateRequire } from "node:module";',
  "const require = __pgaasCreateRequire(import.meta.url);",
].join("\n");

export interface BundleResult {
  readonly outfile: string;
  readonly bytes: number;
}

export async function buildAgentBundle(options: { outfile: string }): Promise<BundleResult> {
  const { outfile } = options;
  await build({
    entryPoints: [AGENT_ENTRY],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: BUNDLE_NODE_TARGET,
    // Workspace packages resolve to their TypeScript sources, as in the tests: no prior build needed.
    conditions: ["pgaas-source"],
    // pg loads its optional native binding only when asked to (`pg.native`); the agent never does.
    external: ["pg-native"],
    banner: { js: REQUIRE_SHIM },
    legalComments: "none",
    logLevel: "silent",
  });
  return { outfile, bytes: (await stat(outfile)).size };
}
