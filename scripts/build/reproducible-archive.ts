// Packs a staged directory as a reproducible gzipped tar: sorted names, owner 0, mtime 0 and a gzip
// header without a time, so the same inputs give the same sha256 (a rebuild uploads nothing, and a
// published archive can be checked against a rebuild).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { chmod, mkdir, readFile, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pipeline } from "node:stream/promises";
import { promisify } from "node:util";
import { createGzip } from "node:zlib";

const run = promisify(execFile);

export interface ArchiveResult {
  readonly outfile: string;
  readonly bytes: number;
  readonly sha256: string;
}

/**
 * Archives `entries` (paths relative to `staging`) into `outfile`. `modes` are set first: they are part
 * of the bytes, so they are not left to the umask or to the tool that wrote the file.
 */
export async function packReproducible(options: {
  readonly staging: string;
  readonly entries: readonly string[];
  readonly outfile: string;
  readonly modes: Readonly<Record<string, number>>;
}): Promise<ArchiveResult> {
  const { staging, outfile } = options;
  for (const [path, mode] of Object.entries(options.modes)) await chmod(join(staging, path), mode);
  const tarFile = join(staging, ".archive.tar");
  try {
    await run("tar", [
      "--sort=name",
      "--owner=0",
      "--group=0",
      "--numeric-owner",
      "--mtime=@0",
      "-C",
      staging,
      "-cf",
      tarFile,
      ...options.entries,
    ]);
    await mkdir(dirname(outfile), { recursive: true });
    const temp = `${outfile}.${process.pid}.tmp`;
    await pipeline(createReadStream(tarFile), createGzip({ level: 6 }), createWriteStream(temp));
    await rename(temp, outfile);
  } finally {
    await rm(tarFile, { force: true });
  }
  const sha256 = createHash("sha256")
    .update(await readFile(outfile))
    .digest("hex");
  return { outfile, bytes: (await stat(outfile)).size, sha256 };
}
