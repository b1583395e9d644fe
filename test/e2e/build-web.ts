// Builds the portal UI from the working tree into a directory the control plane serves
// (PGAAS_WEB_DIR), so the test exercises exactly the sources under test.
import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONFIG = fileURLToPath(new URL("../../portal/web/vite.config.ts", import.meta.url));

export async function buildPortalWeb(outDir: string): Promise<void> {
  await build({
    configFile: CONFIG,
    mode: "production",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}
