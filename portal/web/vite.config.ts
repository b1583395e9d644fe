// Vite build of the portal UI. The route schemas come from @pgaas/api (its sources, through the
// "pgaas-source" condition), so forms and responses are validated by the same zod code as the server.
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig, type Plugin } from "vite";
import { precompressDirectory } from "../server/src/http/asset-compression.js";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
// Where `vite dev` forwards /v1 calls; the production build is served same-origin by the portal.
const devApiTarget = process.env.PGAAS_DEV_API_URL ?? "http://127.0.0.1:8080";

/** Brotli and gzip copies of every text file, at the highest levels: the portal server sends those. */
function precompress(): Plugin {
  let outDir = "";
  return {
    name: "pgaas-precompress",
    apply: "build",
    // The directory actually written: a caller may build elsewhere (the e2e tests do).
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async closeBundle() {
      await precompressDirectory(outDir);
    },
  };
}

export default defineConfig({
  root: webRoot,
  base: "/",
  plugins: [react(), precompress()],
  resolve: {
    conditions: ["pgaas-source", ...defaultClientConditions],
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: true,
    target: "es2022",
  },
  server: {
    proxy: { "/v1": { target: devApiTarget, changeOrigin: false } },
  },
});
