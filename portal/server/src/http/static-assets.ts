// The built web portal: files from its directory, brotli- or gzip-compressed when the browser takes
// it, an SPA fallback to index.html. Vite names every file under assets/ after its content hash, so
// those are cached for a year; index.html and the rest are revalidated on every load (ETag), so a
// deployment is picked up at once. Each file is read once, on its first request, with the `.br` and
// `.gz` the build wrote beside it; what the build did not compress is compressed then and kept. A
// deployment restarts the server, and the files do not change while it runs.
import { createHash } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import type { Request, RequestHandler, Response } from "express";
import { compress, compressible, ENCODINGS, type Encoding, SUFFIX } from "./asset-compression.js";

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
};

export const HASHED_CACHE = "public, max-age=31536000, immutable";
export const REVALIDATE_CACHE = "no-cache";

interface Asset {
  readonly body: Buffer;
  readonly type: string;
  readonly cacheControl: string;
  readonly tag: string;
  readonly compressible: boolean;
  readonly encoded: Map<Encoding, Promise<Buffer>>;
}

/** The q-value an Accept-Encoding header gives a coding (`*` counts for any not named); 0 if absent. */
function quality(header: string, coding: string): number {
  let wildcard = 0;
  for (const part of header.split(",")) {
    const [name = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((param) => /^\s*q=([0-9.]+)\s*$/.exec(param)?.[1]).find(Boolean);
    const value = q === undefined ? 1 : Number(q);
    if (name.trim() === coding) return value;
    if (name.trim() === "*") wildcard = value;
  }
  return wildcard;
}

/** Brotli when the client takes it (smaller than gzip for text), else gzip, else none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding | undefined {
  if (acceptEncoding === undefined) return undefined;
  if (quality(acceptEncoding, "br") > 0) return "br";
  if (quality(acceptEncoding, "gzip") > 0) return "gzip";
  return undefined;
}

export function staticAssets(webDir: string): RequestHandler {
  const root = resolve(webDir);
  const cache = new Map<string, Promise<Asset | undefined>>();

  const load = (relative: string): Promise<Asset | undefined> => {
    let pending = cache.get(relative);
    if (pending === undefined) {
      pending = (async () => {
        const file = join(root, relative);
        const found = await stat(file).catch(() => undefined);
        if (!found?.isFile()) {
          // Misses are not remembered: any path may be asked for, the cache holds only real files.
          cache.delete(relative);
          return undefined;
        }
        const body = await readFile(file);
        const encoded = new Map<Encoding, Promise<Buffer>>();
        // What the build compressed at its best is taken as is.
        for (const encoding of ENCODINGS) {
          const built = await readFile(`${file}${SUFFIX[encoding]}`).catch(() => undefined);
          if (built !== undefined) encoded.set(encoding, Promise.resolve(built));
        }
        return {
          body,
          type: TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
          cacheControl: relative.startsWith(`assets${sep}`) ? HASHED_CACHE : REVALIDATE_CACHE,
          tag: createHash("sha256").update(body).digest("base64url").slice(0, 22),
          compressible: compressible(file, body.length),
          encoded,
        };
      })();
      cache.set(relative, pending);
    }
    return pending;
  };

  const send = async (req: Request, res: Response, asset: Asset): Promise<void> => {
    const encoding = asset.compressible ? chooseEncoding(req.get("accept-encoding")) : undefined;
    const etag = `"${asset.tag}${encoding === undefined ? "" : `-${encoding}`}"`;
    res.setHeader("Content-Type", asset.type);
    res.setHeader("Cache-Control", asset.cacheControl);
    res.setHeader("ETag", etag);
    // Caches must keep one copy per encoding, also of the identity answer.
    if (asset.compressible) res.setHeader("Vary", "Accept-Encoding");
    if (req.get("if-none-match") === etag) {
      res.status(304).end();
      return;
    }
    let body = asset.body;
    if (encoding !== undefined) {
      let encoded = asset.encoded.get(encoding);
      if (encoded === undefined) {
        encoded = compress(asset.body, encoding, "fast");
        asset.encoded.set(encoding, encoded);
      }
      body = await encoded;
      res.setHeader("Content-Encoding", encoding);
    }
    res.setHeader("Content-Length", String(body.length));
    res.status(200).end(req.method === "HEAD" ? undefined : body);
  };

  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      next();
      return;
    }
    let relative: string;
    try {
      // An absolute path normalised cannot climb above "/": `/../../etc/passwd` becomes `/etc/passwd`,
      // looked up inside the directory.
      relative = normalize(decodeURIComponent(req.path)).replace(/^\/+/, "");
    } catch {
      next();
      return;
    }
    const hashedAsset = relative.startsWith(`assets${sep}`);
    load(relative === "" ? "index.html" : relative)
      .then(async (asset) => {
        if (asset !== undefined) return send(req, res, asset);
        // A missing hashed file is a stale page asking for an old build: a 404, not the index as JS.
        if (hashedAsset) return void res.status(404).type("text/plain").send("not found");
        const index = await load("index.html");
        if (index === undefined) return next();
        return send(req, res, index);
      })
      .catch(next);
  };
}
