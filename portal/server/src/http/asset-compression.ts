// Compression of the web portal's files, shared by its build (which writes `.br`/`.gz` beside each
// file at the highest levels, once) and the server (which serves those, and compresses on the fly,
// faster, only what a build did not).
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { promisify } from "node:util";
import { brotliCompress, constants, gzip } from "node:zlib";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = "br" | "gzip";
export const ENCODINGS: readonly Encoding[] = ["br", "gzip"];
export const SUFFIX: Readonly<Record<Encoding, string>> = { br: ".br", gzip: ".gz" };

/** Text formats; images and fonts are compressed already. */
const COMPRESSIBLE = new Set([".html", ".js", ".css", ".svg", ".json", ".map", ".txt"]);
/** Below about one packet, compressing saves no round trip and costs CPU. */
export const MIN_COMPRESSED_BYTES = 1024;

export function compressible(path: string, size: number): boolean {
  return COMPRESSIBLE.has(extname(path).toLowerCase()) && size >= MIN_COMPRESSED_BYTES;
}

/**
 * `best` for a build (brotli 11 takes seconds on the bundle, paid once); `fast` for the server's
 * fallback, where the first visitor waits for it.
 */
export function compress(body: Buffer, encoding: Encoding, effort: "best" | "fast"): Promise<Buffer> {
  if (encoding === "gzip")
    return gzipAsync(body, { level: effort === "best" ? constants.Z_BEST_COMPRESSION : 6 });
  return brotli(body, {
    params: {
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_QUALITY]: effort === "best" ? constants.BROTLI_MAX_QUALITY : 5,
      [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
}

/** Writes `<file>.br` and `<file>.gz` beside every compressible file under `dir`; returns how many files. */
export async function precompressDirectory(dir: string): Promise<number> {
  let count = 0;
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if (!compressible(file, (await stat(file)).size)) continue;
    const body = await readFile(file);
    for (const encoding of ENCODINGS) {
      await writeFile(`${file}${SUFFIX[encoding]}`, await compress(body, encoding, "best"));
    }
    count += 1;
  }
  return count;
}
