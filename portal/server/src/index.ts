// Public entry of the control plane: createApp for tests, startServer for `npm start` and stacks.
import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@pgaas/common";
import type { ServerConfig } from "./config.js";
import { createApp } from "./http/app.js";
import { createServices, type Services } from "./services/index.js";
import { applyRetention, DEFAULT_RETENTION } from "./services/retention.js";
import { openStore } from "./store/db.js";
import { migrate } from "./store/migrate.js";
import { MIGRATIONS } from "./store/migrations.js";

export { loadConfig, type ServerConfig } from "./config.js";
export { createApp } from "./http/app.js";
export { createServices, type Services } from "./services/index.js";

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

const RETENTION_EVERY_MS = 3600_000;

/** Migrates the store, creates the first admin when configured, listens; `stop()` closes everything. */
export async function startServer(
  config: ServerConfig,
  logger: Logger = createLogger({ component: "control-plane" }),
): Promise<RunningServer> {
  const store = openStore(config.databaseUrl.reveal());
  try {
    const applied = await migrate(store, MIGRATIONS);
    if (applied.length > 0) logger.info("migrations applied", { versions: applied });
    const services = createServices({
      store,
      secretKey: config.secretKey,
      logger,
      ...(config.webDir !== undefined ? { webDir: config.webDir } : {}),
      secureCookies: config.secureCookies,
    });
    if (config.initialAdmin !== undefined) {
      const created = await services.users.ensureInitialAdmin(
        config.initialAdmin.email,
        config.initialAdmin.password,
      );
      if (created) logger.info("initial admin created", { email: config.initialAdmin.email });
    }
    const app = createApp(services);
    const server = await new Promise<import("node:http").Server>((resolve, reject) => {
      const listening = app.listen(config.port, config.listenHost, (error?: Error) =>
        error ? reject(error) : resolve(listening),
      );
    });
    server.keepAliveTimeout = 65_000;
    const port = (server.address() as AddressInfo).port;
    const retention = setInterval(() => {
      applyRetention(store, DEFAULT_RETENTION).catch((error: unknown) =>
        logger.warn("retention failed", { error }),
      );
    }, RETENTION_EVERY_MS);
    retention.unref();
    const host = config.listenHost.includes(":") ? `[${config.listenHost}]` : config.listenHost;
    logger.info("listening", { url: `http://${host}:${port}` });
    return {
      url: `http://${host}:${port}`,
      port,
      services,
      async stop() {
        clearInterval(retention);
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}
