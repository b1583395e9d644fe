// The Node 24 runtime every artefact ships (agent, control plane): the binary of the root `node`
// devDependency's platform package for this machine (no download), copied into an artefact's staging
// directory and checked against the release line the bundles target.
import { execFile } from "node:child_process";
import { copyFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { BUNDLE_NODE_TARGET } from "./node-bundle.js";

const run = promisify(execFile);

/** The Node binary of the `node` devDependency's platform package for this machine. */
export function runtimeBinary(): string {
  const fromRoot = createRequire(fileURLToPath(new URL("../../package.json", import.meta.url)));
  const nodePackage = dirname(fromRoot.resolve("node/package.json"));
  const platformPackage = createRequire(join(nodePackage, "package.json")).resolve(
    `node-linux-${arch()}/package.json`,
  );
  return join(dirname(platformPackage), "bin", "node");
}

/** Copies the runtime to `destination` and returns its version ("v24.…"). */
export async function stageNodeRuntime(destination: string): Promise<string> {
  await mkdir(dirname(destination), { recursive: true });
  await copyFile(runtimeBinary(), destination);
  const { stdout } = await run(destination, ["--version"]);
  const nodeVersion = stdout.trim();
  if (!nodeVersion.startsWith(`v${BUNDLE_NODE_TARGET.slice("node".length)}.`)) {
    throw new Error(`the runtime is ${nodeVersion}, the bundle targets ${BUNDLE_NODE_TARGET}`);
  }
  return nodeVersion;
}
