// Builds the portal UI from the working tree into a directory the control plane serves
// (PGAAS_WEB_DIR), so the test exercises exactly the sources under test.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "vite";

const CONFIG = fileURLToPath(new URL("../../portal/web/vite.config.ts", import.meta.url));
const WEB_ROOT = fileURLToPath(new URL("../../portal/web", import.meta.url));

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** True when outDir has no build or a source of the UI (or the route specs and checks it imports) is newer. */
export function webBuildIsStale(outDir: string): boolean {
  const index = join(outDir, "index.html");
  if (!existsSync(index)) return true;
  const sources = [
    join(WEB_ROOT, "src"),
    join(WEB_ROOT, "index.html"),
    join(WEB_ROOT, "../../api/src"),
    join(WEB_ROOT, "../../common/src"),
  ];
  return Math.max(...sources.map(newestMtime)) > statSync(index).mtimeMs;
}

export async function buildPortalWeb(outDir: string): Promise<void> {
  await build({
    configFile: CONFIG,
    mode: "production",
    logLevel: "warn",
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}
