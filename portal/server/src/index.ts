// Public entry of the control plane: createApp for tests, startServer for `npm start` and stacks.
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { createLogger, type Logger } from "@pgaas/common";
import type { ServerConfig } from "./config.js";
import { createApp } from "./http/app.js";
import { startAlertTicks } from "./services/alert-ticks.js";
import { createServices, type Services } from "./services/index.js";
import { applyRetention, DEFAULT_RETENTION } from "./services/retention.js";
import { openStore } from "./store/db.js";
import { migrate } from "./store/migrate.js";
import { MIGRATIONS } from "./store/migrations.js";

export { loadConfig, type ServerConfig } from "./config.js";
export { createSecretBox } from "./crypto/cipher.js";
export { createApp } from "./http/app.js";
export { createServices, type Services } from "./services/index.js";
export { STATE_REPORT_INTERVAL_MS, UNREACHABLE_AFTER_MS } from "./services/report-timing.js";

export interface RunningServer {
  /** Base URL, e.g. https://127.0.0.1:8080 (http:// when serving plain HTTP on loopback). */
  readonly url: string;
  readonly port: number;
  readonly services: Services;
  stop(): Promise<void>;
}

const RETENTION_EVERY_MS = 3600_000;
const BACKUP_SCHEDULE_EVERY_MS = 30_000;

/** Migrates the store, creates the first admin when configured, listens; `stop()` closes everything. */
export async function startServer(
  config: ServerConfig,
  logger: Logger = createLogger({ component: "control-plane" }),
): Promise<RunningServer> {
  const store = openStore(
    config.databaseUrl.reveal(),
    config.databasePassword !== undefined ? { password: config.databasePassword.reveal() } : {},
  );
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
    const tls = config.tls;
    const app = createApp(services, { trustedProxies: config.trustedProxies, https: tls !== undefined });
    // TLS 1.2 at least: older versions have known downgrade attacks and every client we ship speaks 1.2+.
    const createServer = (): Server =>
      tls === undefined
        ? createHttpServer(app)
        : createHttpsServer(
            { cert: tls.certificate, key: tls.privateKey.reveal(), minVersion: "TLSv1.2" },
            app,
          );
    const listen = (host: string, port: number) =>
      new Promise<Server>((resolve, reject) => {
        const server = createServer();
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server);
        });
      });
    const [firstHost, ...otherHosts] = config.listenHosts;
    const first = await listen(firstHost, config.port);
    // Port 0 picks a free port on the first address; the others listen on the same one.
    const port = (first.address() as AddressInfo).port;
    const servers = [first];
    try {
      for (const host of otherHosts) servers.push(await listen(host, port));
    } catch (error) {
      for (const server of servers) server.close();
      throw error;
    }
    for (const server of servers) server.keepAliveTimeout = 65_000;
    const retention = setInterval(() => {
      applyRetention(store, DEFAULT_RETENTION).catch((error: unknown) =>
        logger.warn("retention failed", { error }),
      );
    }, RETENTION_EVERY_MS);
    retention.unref();
    // The pairs' backup schedules (cron at minute granularity) and abandoned restores: twice a minute.
    const schedules = setInterval(() => {
      services.backups
        .runSchedules()
        .catch((error: unknown) => logger.warn("backup schedule failed", { error }));
      services.restores
        .failAbandoned()
        .catch((error: unknown) => logger.warn("failing abandoned restores failed", { error }));
    }, BACKUP_SCHEDULE_EVERY_MS);
    schedules.unref();
    const alerts =
      config.alertPollMs > 0 ? startAlertTicks(services.alertOutbox, config.alertPollMs, logger) : undefined;
    const urls = config.listenHosts.map(
      (host) =>
        `${tls === undefined ? "http" : "https"}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    );
    logger.info("listening", { urls });
    return {
      url: urls[0] ?? "",
      port,
      services,
      async stop() {
        clearInterval(retention);
        clearInterval(schedules);
        await alerts?.stop();
        await Promise.all(
          servers.map((server) => {
            server.closeAllConnections();
            return new Promise<void>((resolve) => server.close(() => resolve()));
          }),
        );
        await store.close();
      },
    };
  } catch (error) {
    await store.close().catch(() => {});
    throw error;
  }
}
