// Debian's Chromium driven by playwright-core (never a downloaded browser), with a throwaway
// profile, and screenshots written under test-artifacts/e2e/ (git-ignored).
import { createHash, X509Certificate } from "node:crypto";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { assertAccessible } from "./accessibility.js";

export const CHROMIUM_PATH = "/usr/bin/chromium";

const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export const ARTIFACTS_DIR = fileURLToPath(new URL("../../test-artifacts/e2e/", import.meta.url));

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  /**
   * Saves a full-page PNG as test-artifacts/e2e/<name>.png and returns its path. Values shown
   * once (passwords, URIs with passwords, tokens) are painted over: artifacts never hold secrets.
   * Every page shown is then checked with axe (saved first, so a failing page is on file too).
   */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Chromium trusts no CA given on its command line, but accepts a server whose public key hash is
 * listed (with a user data dir, as here): exactly this certificate's key, nothing else.
 */
function pinnedKeyFlag(certificatePem: string): string {
  const spki = new X509Certificate(certificatePem).publicKey.export({ type: "spki", format: "der" });
  return `--ignore-certificate-errors-spki-list=${createHash("sha256").update(spki).digest("base64")}`;
}

/**
 * Starts Chromium with a fresh profile directory (playwright passes it as --user-data-dir).
 * The clipboard permission lets the copy buttons work headless.
 */
export async function launchBrowser(options: {
  origin: string;
  /** The portal's certificate (PEM): its key is pinned, as a browser that trusts the local CA would accept it. */
  certificate?: string;
  viewport?: { width: number; height: number };
}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), "pgaas-e2e-chromium-"));
  await mkdir(ARTIFACTS_DIR, { recursive: true });
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: [...CHROMIUM_FLAGS, ...(options.certificate ? [pinnedKeyFlag(options.certificate)] : [])],
      viewport: options.viewport ?? { width: 1280, height: 900 },
      permissions: ["clipboard-read", "clipboard-write"],
      // Times typed in forms and shown on pages are then the same UTC the portal prints.
      timezoneId: "UTC",
      timeout: 60_000,
    });
  } catch (error) {
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: options.origin });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(20_000);
  return {
    context,
    page,
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true, mask: [page.locator("[data-secret]")] });
      await assertAccessible(page, name);
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
