// Builds the one agent artefact every host runs: the bundled agent plus a Node 24 runtime, taken
// from the root `node` devDependency's platform package (no download), packed as a gzipped tar with
// a single top directory. Hosts need neither a distro Node nor node_modules.
//
//   npm run build:agent        → agent/dist/pgaas-agent-<version>-linux-<arch>.tar.gz
//   buildAgentArtefact({ outfile }) → { outfile, bytes, sha256 }
//
// The archive is reproducible (sorted names, owner 0, mtime 0, a gzip header without time), so the
// same sources and runtime give the same sha256 and the pair engine uploads nothing on a rebuild.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, copyFile, mkdir, mkdtemp, readFile, rename, rm, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createGzip } from "node:zlib";
import { AGENT_ARTEFACT_MAIN, AGENT_ARTEFACT_NODE } from "@pgaas/common/wire";
import { BUNDLE_NODE_TARGET, buildAgentBundle } from "./build-bundle.js";
import { AGENT_ARTEFACT_NAME, AGENT_ARTEFACT_PATH } from "./src/launch.js";

const run = promisify(execFile);

/** The Node binary of the `node` devDependency's platform package for this machine. */
export function runtimeBinary(): string {
  const fromRoot = createRequire(fileURLToPath(new URL("../package.json", import.meta.url)));
  const nodePackage = dirname(fromRoot.resolve("node/package.json"));
  const platformPackage = createRequire(join(nodePackage, "package.json")).resolve(
    `node-linux-${arch()}/package.json`,
  );
  return join(dirname(platformPackage), "bin", "node");
}

export interface ArtefactResult {
  readonly outfile: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly nodeVersion: string;
}

export async function buildAgentArtefact(options: { outfile?: string } = {}): Promise<ArtefactResult> {
  const outfile = options.outfile ?? AGENT_ARTEFACT_PATH;
  const staging = await mkdtemp(join(tmpdir(), "pgaas-agent-artefact-"));
  try {
    const top = join(staging, AGENT_ARTEFACT_NAME);
    const node = join(top, AGENT_ARTEFACT_NODE);
    await mkdir(dirname(node), { recursive: true });
    await copyFile(runtimeBinary(), node);
    const { stdout } = await run(node, ["--version"]);
    const nodeVersion = stdout.trim();
    if (!nodeVersion.startsWith(`v${BUNDLE_NODE_TARGET.slice("node".length)}.`)) {
      throw new Error(`the runtime is ${nodeVersion}, the bundle targets ${BUNDLE_NODE_TARGET}`);
    }
    const main = join(top, AGENT_ARTEFACT_MAIN);
    await buildAgentBundle({ outfile: main });
    // Modes set here, not left to the umask or the bundler: they are part of the bytes.
    for (const [path, mode] of [
      [top, 0o755],
      [dirname(node), 0o755],
      [node, 0o755],
      [main, 0o644],
    ] as const) {
      await chmod(path, mode);
    }
    const tar = [
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "-C",
      staging,
      "-cf",
      join(staging, "artefact.tar"),
      AGENT_ARTEFACT_NAME,
    ];
    await run("tar", tar);
    await mkdir(dirname(outfile), { recursive: true });
    const temp = `${outfile}.${process.pid}.tmp`;
    await pipeline(
      createReadStream(join(staging, "artefact.tar")),
      createGzip({ level: 6 }),
      createWriteStream(temp),
    );
    await rename(temp, outfile);
    const sha256 = createHash("sha256")
      .update(await readFile(outfile))
      .digest("hex");
    return { outfile, bytes: (await stat(outfile)).size, sha256, nodeVersion };
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
