// A real control plane for the Pulumi end-to-end tests: a throwaway PostgreSQL store, the server, and an
// admin API token for `pgaas:apiToken`.
import { randomBytes } from "node:crypto";
import { createLogger } from "@pgaas/common";
import { startThrowawayPostgres } from "@pgaas/testing";
import { loadConfig, startServer } from "../../portal/server/src/index.js";
import { createApiToken } from "../../scripts/stack/index.js";

const ADMIN = { email: "pulumi-e2e@example.com", password: "pulumi-e2e-admin-password" };

export interface ControlPlane {
  /** Where the provider calls it from this machine. */
  readonly url: string;
  readonly port: number;
  readonly apiToken: string;
  stop(): Promise<void>;
}

/**
 * `listenHost` "0.0.0.0" when agents on namespace hosts that do not exist yet must reach it later (the
 * lab's `.1` appears only once `up` has created the hosts).
 */
export async function startControlPlane(listenHost: string): Promise<ControlPlane> {
  const store = await startThrowawayPostgres("pulumi-e2e-store");
  try {
    const server = await startServer(
      loadConfig({
        DATABASE_URL: store.url,
        PGAAS_LISTEN_HOST: listenHost,
        PGAAS_PORT: "0",
        PGAAS_SECRET_KEY: randomBytes(32).toString("base64"),
        PGAAS_ADMIN_EMAIL: ADMIN.email,
        PGAAS_ADMIN_PASSWORD: ADMIN.password,
      }),
      createLogger({ component: "control-plane", level: "warn" }),
    );
    const url = `http://127.0.0.1:${server.port}`;
    const apiToken = await createApiToken(url, ADMIN.email, ADMIN.password).catch(async (error: unknown) => {
      await server.stop();
      throw error;
    });
    return {
      url,
      port: server.port,
      apiToken,
      async stop() {
        await server.stop().catch(() => {});
        await store.stop();
      },
    };
  } catch (error) {
    await store.stop();
    throw error;
  }
}
