// Vite build of the portal UI. The route schemas come from @pgaas/api (its sources, through the
// "pgaas-source" condition), so forms and responses are validated by the same zod code as the server.
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

const webRoot = fileURLToPath(new URL(".", import.meta.url));
// Where `vite dev` forwards /v1 calls; the production build is served same-origin by the portal.
const devApiTarget = process.env.PGAAS_DEV_API_URL ?? "http://127.0.0.1:8080";

export default defineConfig({
  root: webRoot,
  base: "/",
  plugins: [react()],
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
