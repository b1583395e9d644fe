// Builds the control-plane artefact a control-plane host runs: the bundled server, the one native
// addon it loads (argon2's prebuilt binary, found by node-gyp-build beside the bundle), the Swagger UI
// files /docs serves, the built web portal and the Node 24 runtime, packed with the same bundler,
// runtime and reproducible archive as the agent artefact. The host needs no distro Node, no npm.
//
//   npm run build:control-plane   → portal/dist/pgaas-control-plane-<version>-linux-<arch>.tar.gz
//   buildControlPlaneArtefact({ outfile?, webDir? }) → { outfile, bytes, sha256, nodeVersion }
import { existsSync } from "node:fs";
import { copyFile, cp, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ARTEFACT_NODE, CONTROL_PLANE_ARTEFACT_MAIN, CONTROL_PLANE_ARTEFACT_WEB } from "@pgaas/common/wire";
import { bundleNodeEntry } from "../scripts/build/node-bundle.js";
import { stageNodeRuntime } from "../scripts/build/node-runtime.js";
import { type ArchiveResult, packReproducible } from "../scripts/build/reproducible-archive.js";
import { CONTROL_PLANE_ARTEFACT_NAME, CONTROL_PLANE_ARTEFACT_PATH } from "./server/src/artefact.js";

const require = createRequire(import.meta.url);

export { CONTROL_PLANE_ARTEFACT_NAME, CONTROL_PLANE_ARTEFACT_PATH };

const SERVER_ENTRY = fileURLToPath(new URL("./server/src/main.ts", import.meta.url));
const WEB_DIST = fileURLToPath(new URL("./web/dist", import.meta.url));

/** A package's file the bundle reads at run time (or must carry: licences), and where it goes. */
interface RuntimeFile {
  readonly from: string;
  readonly file: string;
  readonly to: string;
}

const ADDON = `prebuilds/linux-${arch()}/argon2.glibc.node`;
const SWAGGER_FILES = ["package.json", "LICENSE", "NOTICE", "swagger-ui.css", "swagger-ui-bundle.js"];
const RUNTIME_FILES: readonly RuntimeFile[] = [
  // argon2 loads `prebuilds/<platform>-<arch>/*.node` relative to its module, which is the bundle
  // once bundled: the addon goes beside it (Debian hosts: glibc only).
  { from: "argon2", file: ADDON, to: ADDON },
  { from: "argon2", file: "LICENSE", to: "licenses/argon2" },
  // docs.ts resolves swagger-ui-dist/package.json from the bundle and serves the CSS and script.
  ...SWAGGER_FILES.map((file) => ({
    from: "swagger-ui-dist",
    file,
    to: `node_modules/swagger-ui-dist/${file}`,
  })),
];

export interface ControlPlaneArtefactResult extends ArchiveResult {
  readonly nodeVersion: string;
}

async function stageRuntimeFiles(top: string): Promise<void> {
  for (const { from, file, to } of RUNTIME_FILES) {
    const target = join(top, to);
    await mkdir(dirname(target), { recursive: true });
    await copyFile(join(dirname(require.resolve(`${from}/package.json`)), file), target);
  }
}

/** Every staged path with its mode: directories and the runtime 0755, everything else 0644. */
async function modesOf(staging: string, top: string): Promise<Record<string, number>> {
  const modes: Record<string, number> = { [relative(staging, top)]: 0o755 };
  for (const entry of await readdir(top, { recursive: true, withFileTypes: true })) {
    const path = relative(staging, join(entry.parentPath, entry.name));
    modes[path] = entry.isDirectory() ? 0o755 : 0o644;
  }
  modes[relative(staging, join(top, ARTEFACT_NODE))] = 0o755;
  return modes;
}

export async function buildControlPlaneArtefact(
  options: { readonly outfile?: string; readonly webDir?: string } = {},
): Promise<ControlPlaneArtefactResult> {
  const outfile = options.outfile ?? CONTROL_PLANE_ARTEFACT_PATH;
  const webDir = options.webDir ?? WEB_DIST;
  if (!existsSync(join(webDir, "index.html"))) {
    throw new Error(`no built web portal in ${webDir}: run \`npm run build:web\` first`);
  }
  const staging = await mkdtemp(join(tmpdir(), "pgaas-control-plane-artefact-"));
  try {
    const top = join(staging, CONTROL_PLANE_ARTEFACT_NAME);
    const nodeVersion = await stageNodeRuntime(join(top, ARTEFACT_NODE));
    await bundleNodeEntry({
      entry: SERVER_ENTRY,
      outfile: join(top, CONTROL_PLANE_ARTEFACT_MAIN),
      title: "pgaas control plane, bundled by portal/build-artefact.ts",
    });
    await stageRuntimeFiles(top);
    await cp(webDir, join(top, CONTROL_PLANE_ARTEFACT_WEB), { recursive: true });
    const archive = await packReproducible({
      staging,
      entries: [CONTROL_PLANE_ARTEFACT_NAME],
      outfile,
      modes: await modesOf(staging, top),
    });
    return { ...archive, nodeVersion };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildControlPlaneArtefact();
  process.stdout.write(
    `${built.outfile} ${built.bytes} bytes (Node ${built.nodeVersion}, sha256 ${built.sha256})\n`,
  );
}
