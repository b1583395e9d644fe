// A real control plane for the Pulumi end-to-end tests: a throwaway PostgreSQL store, the server over
// HTTPS with a throwaway CA (the provider pins it through PGAAS_CONTROL_PLANE_CA_FILE, the agents
// through the pair spec), and an admin API token for `pgaas:apiToken`.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@pgaas/common";
import { pinnedFetch } from "@pgaas/common/pinned-fetch";
import { ensureControlPlaneTls } from "@pgaas/engine";
import { startThrowawayPostgres } from "@pgaas/testing";
import { loadConfig, startServer } from "../../portal/server/src/index.js";
import { createApiToken } from "../../scripts/stack/index.js";

const ADMIN = { email: "pulumi-e2e@example.com", password: "pulumi-e2e-admin-password" };

export interface ControlPlane {
  /** Where the provider calls it from this machine (https://127.0.0.1:<port>). */
  readonly url: string;
  readonly port: number;
  readonly apiToken: string;
  /** The throwaway CA: PEM, and the file for PGAAS_CONTROL_PLANE_CA_FILE (kept until stop). */
  readonly caCertificate: string;
  readonly caFile: string;
  /** fetch that trusts the CA. */
  readonly fetch: typeof fetch;
  stop(): Promise<void>;
}

/**
 * `listenHost` "0.0.0.0" when agents on namespace hosts that do not exist yet must reach it later (the
 * lab's `.1` appears only once `up` has created the hosts): name that address in `altNames`.
 */
export async function startControlPlane(
  listenHost: string,
  altNames: readonly string[] = [],
): Promise<ControlPlane> {
  const dir = await mkdtemp(join(tmpdir(), "pulumi-e2e-cp-tls-"));
  const store = await startThrowawayPostgres("pulumi-e2e-store").catch(async (error: unknown) => {
    await rm(dir, { recursive: true, force: true });
    throw error;
  });
  const cleanup = async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const tls = ensureControlPlaneTls(dir, ["127.0.0.1", ...altNames]);
    const fetch = pinnedFetch(tls.caCertificate);
    const server = await startServer(
      loadConfig({
        DATABASE_URL: store.url,
        PGAAS_LISTEN_HOST: listenHost,
        PGAAS_PORT: "0",
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_ADMIN_EMAIL: ADMIN.email,
        PGAAS_ADMIN_PASSWORD: ADMIN.password,
        PGAAS_TLS_CERT_FILE: tls.certFile,
        PGAAS_TLS_KEY_FILE: tls.keyFile,
      }),
      createLogger({ component: "control-plane", level: "warn" }),
    );
    const url = `https://127.0.0.1:${server.port}`;
    const apiToken = await createApiToken(url, ADMIN.email, ADMIN.password, fetch).catch(
      async (error: unknown) => {
        await server.stop();
        throw error;
      },
    );
    return {
      url,
      port: server.port,
      apiToken,
      caCertificate: tls.caCertificate,
      caFile: tls.caFile,
      fetch,
      async stop() {
        await server.stop().catch(() => {});
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
