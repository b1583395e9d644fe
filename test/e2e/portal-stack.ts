// The stack the end-to-end test drives: the real local pgaas service (scripts/stack) — store,
// control plane serving the freshly built portal, namespace hosts with a repmgr pair, witness,
// keepalived and agents — on a subnet and name prefix claimed from this test's own range.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { allocateSubnet, freePort } from "@pgaas/testing";
import { startStack, stopStack } from "../../scripts/stack/index.js";
import { buildPortalWeb, webBuildIsStale } from "./build-web.js";

export interface PortalStack {
  /** https://127.0.0.1:<port> */
  readonly portalUrl: string;
  /** The portal's certificate (PEM), issued by the stack's local CA. */
  readonly certificate: string;
  /** fetch that trusts the stack's local CA. */
  readonly fetch: typeof fetch;
  readonly admin: { readonly email: string; readonly password: string };
  stop(): Promise<void>;
}

/** The stack serves portal/web/dist; the test builds the working tree's sources there first. */
const WEB_DIST = fileURLToPath(new URL("../../portal/web/dist", import.meta.url));

/**
 * State of the test's stack: under /run (root-owned, not world-writable), wherever the checkout is —
 * sshd refuses lab keys below a world-writable directory and the postgres user must reach the store.
 */
const STATE_ROOT = "/run/pgaas-e2e";

/** Namespace prefix and subnets reserved for the browser end-to-end test. */
const RANGE = { prefix: "pgw", first: "10.231.60.0/24", count: 10 } as const;

export async function startPortalStack(onProgress: (line: string) => void): Promise<PortalStack> {
  // `npm test` builds the UI before any test runs (so a parallel `npm start` test never races with a
  // rebuild); a standalone run of this file builds it when the sources are newer than the build.
  if (webBuildIsStale(WEB_DIST)) {
    onProgress("building the portal UI");
    await buildPortalWeb(WEB_DIST);
  }
  const claim = await allocateSubnet(RANGE);
  const root = join(STATE_ROOT, `e2e-${claim.prefix}`);
  const stop = async () => {
    try {
      await stopStack({ root, purge: true, onProgress });
    } finally {
      await claim.release();
    }
  };
  try {
    // A run that was killed may have left this slot's stack behind: remove it first.
    await stopStack({ root, purge: true, onProgress });
    const stack = await startStack({
      root,
      prefix: claim.prefix,
      subnet: claim.subnet,
      portalPort: await freePort(),
      adminEmail: "admin@example.com",
      pairName: `e2e-${claim.prefix}`,
      onProgress,
    });
    return {
      portalUrl: stack.portalUrl,
      certificate: await readFile(stack.tls.certFile, "utf8"),
      fetch: pinnedFetch(stack.tls.caCertificate),
      admin: stack.admin,
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
