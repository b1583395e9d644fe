// Bundles a Node entry point into one self-contained ES module for machines with no node_modules:
// hosts run the agent from it, and the packaged provider plugin runs from it. Workspace packages
// resolve to their TypeScript sources (as in the tests), so no prior build is needed.
import { stat } from "node:fs/promises";
import { build } from "esbuild";

/** The release line of the runtime everything runs on (the root `node` devDependency). */
export const BUNDLE_NODE_TARGET = "node24";

// CommonJS dependencies (pg, ssh2, @pulumi/pulumi) call `require` and read `__dirname`/`__filename`,
// which an ES module does not have: give them real ones. (esbuild keeps an entry's `#!` line above.)
const COMMONJS_SHIM = [
  'import { createRequire as __pgaasCreateRequire } from "node:module";',
  'import { dirname as __pgaasDirname } from "node:path";',
  'import { fileURLToPath as __pgaasFileURLToPath } from "node:url";',
  "const require = __pgaasCreateRequire(import.meta.url);",
  "const __filename = __pgaasFileURLToPath(import.meta.url);",
  "const __dirname = __pgaasDirname(__filename);",
].join("\n");

/**
 * Optional native parts that stay out: pg's binding is loaded only through `pg.native` (never used),
 * and ssh2 falls back to JavaScript crypto when its addon and cpu-features are missing.
 */
const OPTIONAL_NATIVE = ["pg-native", "cpu-features", "*.node"];

export interface BundleResult {
  readonly outfile: string;
  readonly bytes: number;
}

export async function bundleNodeEntry(options: {
  readonly entry: string;
  readonly outfile: string;
  /** First line of the bundle, saying what it is and where it comes from. */
  readonly title: string;
}): Promise<BundleResult> {
  await build({
    entryPoints: [options.entry],
    outfile: options.outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: BUNDLE_NODE_TARGET,
    conditions: ["pgaas-source"],
    external: OPTIONAL_NATIVE,
    banner: { js: `// ${options.title} - do not edit.\n${COMMONJS_SHIM}` },
    legalComments: "none",
    logLevel: "silent",
  });
  return { outfile: options.outfile, bytes: (await stat(options.outfile)).size };
}
