// Packs the provider plugin as `pulumi plugin install resource pgaas <version> --server <url>` fetches
// it: `pulumi-resource-pgaas-v<version>-linux-<arch>.tar.gz`, unpacked as it is into the plugin
// directory (no top directory). The engine finds PulumiPlugin.yaml (runtime nodejs) there and has the
// Node.js language host start it through `@pulumi/pulumi/cmd/run-plugin`, like the checkout's provider/.
//
//   npm run package:plugin          → provider/dist/pulumi-resource-pgaas-v<version>-linux-<arch>.tar.gz
//   packagePlugin({ outfile })      → { outfile, bytes, sha256 }
//
// Nothing in it needs node_modules: the plugin and every dependency are one bundle, and the agent
// artefact and the control-plane artefact the plugin installs on hosts ride along. Layout (paths the bundle relies on: the agent's
// launch module finds its artefact at ../dist/ from the bundle, as it does from agent/src):
//   PulumiPlugin.yaml, package.json
//   bin/pulumi-resource-pgaas.cjs   the package main run-plugin require()s; import()s the bundle
//   bin/plugin.js                   the bundled plugin (an ES module that awaits at top level)
//   dist/pgaas-agent-<version>-linux-<arch>.tar.gz
//   dist/pgaas-control-plane-<version>-linux-<arch>.tar.gz (found by @pgaas/portal/artefact)
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { AGENT_ARTEFACT_NAME, AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import { PGAAS_VERSION } from "@pgaas/common/wire";
import { CONTROL_PLANE_ARTEFACT_NAME, CONTROL_PLANE_ARTEFACT_PATH } from "@pgaas/portal/artefact";
import { bundleNodeEntry } from "../scripts/build/node-bundle.js";
import { type ArchiveResult, packReproducible } from "../scripts/build/reproducible-archive.js";

/** Pulumi's names for the architectures Node calls x64 and arm64. */
const PULUMI_ARCH: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

export const PLUGIN_ENTRY = fileURLToPath(new URL("./src/plugin/main.ts", import.meta.url));

export function pluginArchiveName(version: string = PGAAS_VERSION, nodeArch: string = arch()): string {
  const pulumiArch = PULUMI_ARCH[nodeArch];
  if (pulumiArch === undefined) throw new Error(`no Pulumi plugin architecture for Node's ${nodeArch}`);
  return `pulumi-resource-pgaas-v${version}-linux-${pulumiArch}.tar.gz`;
}

export const PLUGIN_ARCHIVE_PATH = fileURLToPath(new URL(`./dist/${pluginArchiveName()}`, import.meta.url));

/** What run-plugin require()s: a CommonJS main cannot be the bundle, which awaits at top level. */
const MAIN_SHIM = `// The plugin's package main: run-plugin require()s it; it import()s the bundled ES module.
"use strict";
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
module.exports = import(pathToFileURL(join(__dirname, "plugin.js")).href);
`;

export async function packagePlugin(
  options: { outfile?: string; agentArtefact?: string; controlPlaneArtefact?: string } = {},
): Promise<ArchiveResult> {
  const outfile = options.outfile ?? PLUGIN_ARCHIVE_PATH;
  const agentArtefact = options.agentArtefact ?? AGENT_ARTEFACT_PATH;
  if (!existsSync(agentArtefact)) {
    throw new Error(`the agent artefact ${agentArtefact} is missing: run \`npm run build:agent\` first`);
  }
  const controlPlaneArtefact = options.controlPlaneArtefact ?? CONTROL_PLANE_ARTEFACT_PATH;
  if (!existsSync(controlPlaneArtefact)) {
    throw new Error(
      `the control-plane artefact ${controlPlaneArtefact} is missing: run \`npm run build:control-plane\` first`,
    );
  }
  const staging = await mkdtemp(join(tmpdir(), "pgaas-plugin-package-"));
  try {
    await mkdir(join(staging, "bin"));
    await mkdir(join(staging, "dist"));
    await writeFile(join(staging, "PulumiPlugin.yaml"), "runtime: nodejs\n");
    const manifest = {
      name: "pulumi-resource-pgaas",
      version: PGAAS_VERSION,
      description: "The pgaas Pulumi resource provider, bundled with its dependencies and the pgaas agent.",
      license: "Apache-2.0",
      type: "module",
      main: "bin/pulumi-resource-pgaas.cjs",
    };
    await writeFile(join(staging, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeFile(join(staging, "bin", "pulumi-resource-pgaas.cjs"), MAIN_SHIM);
    await bundleNodeEntry({
      entry: PLUGIN_ENTRY,
      outfile: join(staging, "bin", "plugin.js"),
      title: "pulumi-resource-pgaas, bundled by provider/package-plugin.ts",
    });
    await copyFile(agentArtefact, join(staging, "dist", `${AGENT_ARTEFACT_NAME}.tar.gz`));
    await copyFile(controlPlaneArtefact, join(staging, "dist", `${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`));
    const modes: Record<string, number> = { bin: 0o755, dist: 0o755 };
    for (const file of [
      "PulumiPlugin.yaml",
      "package.json",
      "bin/pulumi-resource-pgaas.cjs",
      "bin/plugin.js",
    ])
      modes[file] = 0o644;
    modes[`dist/${AGENT_ARTEFACT_NAME}.tar.gz`] = 0o644;
    modes[`dist/${CONTROL_PLANE_ARTEFACT_NAME}.tar.gz`] = 0o644;
    return await packReproducible({
      staging,
      entries: ["PulumiPlugin.yaml", "package.json", "bin", "dist"],
      outfile,
      modes,
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packed = await packagePlugin();
  process.stdout.write(`${packed.outfile} ${packed.bytes} bytes (sha256 ${packed.sha256})\n`);
}
