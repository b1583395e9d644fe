// Builds the one agent artefact every host runs: the bundled agent plus a Node 24 runtime, taken
// from the root `node` devDependency's platform package (no download), packed as a gzipped tar with
// a single top directory. Hosts need neither a distro Node nor node_modules.
//
//   npm run build:agent        → agent/dist/pgaas-agent-<version>-linux-<arch>.tar.gz
//   buildAgentArtefact({ outfile }) → { outfile, bytes, sha256 }
//
// The archive is reproducible (sorted names, owner 0, mtime 0, a gzip header without time), so the
// same sources and runtime give the same sha256 and the pair engine uploads nothing on a rebuild.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { AGENT_ARTEFACT_MAIN, ARTEFACT_NODE } from "@pgaas/common/wire";
import { bundleNodeEntry } from "../scripts/build/node-bundle.js";
import { stageNodeRuntime } from "../scripts/build/node-runtime.js";
import { type ArchiveResult, packReproducible } from "../scripts/build/reproducible-archive.js";
import { AGENT_ARTEFACT_NAME, AGENT_ARTEFACT_PATH } from "./src/launch.js";

export const AGENT_ENTRY = fileURLToPath(new URL("./src/main.ts", import.meta.url));

export interface ArtefactResult extends ArchiveResult {
  readonly nodeVersion: string;
}

export async function buildAgentArtefact(options: { outfile?: string } = {}): Promise<ArtefactResult> {
  const outfile = options.outfile ?? AGENT_ARTEFACT_PATH;
  const staging = await mkdtemp(join(tmpdir(), "pgaas-agent-artefact-"));
  try {
    const top = join(staging, AGENT_ARTEFACT_NAME);
    const nodeVersion = await stageNodeRuntime(join(top, ARTEFACT_NODE));
    await bundleNodeEntry({
      entry: AGENT_ENTRY,
      outfile: join(top, AGENT_ARTEFACT_MAIN),
      title: "pgaas-agent, bundled by agent/build-artefact.ts",
    });
    const archive = await packReproducible({
      staging,
      entries: [AGENT_ARTEFACT_NAME],
      outfile,
      modes: {
        [AGENT_ARTEFACT_NAME]: 0o755,
        [join(AGENT_ARTEFACT_NAME, dirname(ARTEFACT_NODE))]: 0o755,
        [join(AGENT_ARTEFACT_NAME, ARTEFACT_NODE)]: 0o755,
        [join(AGENT_ARTEFACT_NAME, AGENT_ARTEFACT_MAIN)]: 0o644,
      },
    });
    return { ...archive, nodeVersion };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildAgentArtefact();
  process.stdout.write(
    `${built.outfile} ${built.bytes} bytes (Node ${built.nodeVersion}, sha256 ${built.sha256})\n`,
  );
}
