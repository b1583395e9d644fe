// Wires the real dependencies from a parsed config and starts the loop and the HTTP server.
// main.ts calls it; tests and the benchmark can too (in-process).
import type { AddressInfo } from "node:net";
import type { Logger } from "@pgaas/common";
import type { AgentConfig } from "@pgaas/common/wire";
import { Agent } from "./agent.js";
import { systemBackupRepository } from "./backup/backup-repository.js";
import { localBackupVerifier } from "./backup/backup-verifier.js";
import { localDatabaseRestorer } from "./backup/database-restore.js";
import { localPointInTimeDescriber } from "./backup/point-in-time-describer.js";
import { repmgrCommandRunner } from "./commands/command-runner.js";
import { readControlPlaneCa, watchedAgentToken } from "./config.js";
import { HttpControlPlaneClient } from "./control-plane/http-client.js";
import { Healer } from "./heal/healer.js";
import { systemHostProbe } from "./host/host-probe.js";
import { createAgentHttpServer } from "./http/server.js";
import { localPooledDatabases } from "./pooler/pooled-databases.js";
import { openClientAuth } from "./postgres/client-auth.js";
import { PgConnection } from "./postgres/pg-connection.js";
import { PgProbe } from "./postgres/pg-probe.js";
import { SlowQueryLog } from "./postgres/slow-query-log.js";
import { SystemRepmgr } from "./repmgr/system-repmgr.js";
import { watchRoleFiles } from "./role-files.js";
import { DiskSpool } from "./spool/disk-spool.js";

/** PostgreSQL must answer a probe within this; a hung server counts as down for the tick. */
const POSTGRES_TIMEOUT_MS = 3000;
const SWITCHOVER_TIMEOUT_MS = 5 * 60_000;

export interface RunningAgent {
  readonly agent: Agent;
  /** Where the HTTP endpoints listen. */
  readonly http: AddressInfo;
  stop(): Promise<void>;
}

export async function startAgent(config: AgentConfig, logger: Logger): Promise<RunningAgent> {
  const connection = {
    socketDir: config.postgres.socketDir,
    port: config.postgres.port,
    user: config.postgres.user,
    timeoutMs: POSTGRES_TIMEOUT_MS,
  };
  const probe = new PgProbe(new PgConnection({ ...connection, database: config.postgres.database }));
  const repmgr = new SystemRepmgr({
    binary: config.repmgr.binary,
    configFile: config.repmgr.configFile,
    connection,
    switchoverTimeoutMs: SWITCHOVER_TIMEOUT_MS,
  });
  // Its own connection: a slow `pgbackrest info` must not hold the probe's.
  const backupConnection = config.backup
    ? new PgConnection({ ...connection, database: config.postgres.database })
    : null;
  const backups =
    config.backup && backupConnection ? systemBackupRepository(config.backup, backupConnection) : null;
  const host = systemHostProbe({ fenceMarkerFile: config.fenceMarkerFile, dataDir: config.postgres.dataDir });
  const token = await watchedAgentToken(config.controlPlane.tokenFile);
  const ca = config.controlPlane.caFile ? await readControlPlaneCa(config.controlPlane.caFile) : undefined;
  const controlPlane = new HttpControlPlaneClient({
    baseUrl: config.controlPlane.url,
    timeoutMs: config.controlPlane.timeoutMs,
    token,
    ...(ca !== undefined ? { ca } : {}),
  });
  // Its own connection: reloading must not wait behind a probe.
  const clientAuthConnection = config.postgres.clientAuthDir
    ? new PgConnection({ ...connection, database: config.postgres.database })
    : null;
  const clientAuth =
    config.postgres.clientAuthDir && clientAuthConnection
      ? await openClientAuth(config.postgres.clientAuthDir, clientAuthConnection)
      : null;
  const spool = await DiskSpool.open({ dir: config.spool.dir, maxBytes: config.spool.maxBytes, logger });
  const stateIntervalMs = config.intervals.stateSeconds * 1000;
  const agent = new Agent({
    stateIntervalMs,
    metricsIntervalMs: config.intervals.metricsSeconds * 1000,
    probe,
    repmgr,
    host,
    controlPlane,
    commands: repmgrCommandRunner(repmgr, {
      backups,
      restorer: localDatabaseRestorer(config),
      verifier: localBackupVerifier(config),
      pooler: config.pooler
        ? localPooledDatabases({
            ...config.pooler,
            socketDir: config.postgres.socketDir,
            port: config.postgres.port,
          })
        : null,
      describer: localPointInTimeDescriber(config),
    }),
    ...(backups ? { backups } : {}),
    ...(clientAuth ? { clientAuth } : {}),
    ...(config.postgres.logDirectory ? { slowQueries: new SlowQueryLog(config.postgres.logDirectory) } : {}),
    spool,
    logger,
  });
  const server = createAgentHttpServer({
    status: () => agent.status(),
    probe,
    host,
    node: { pair: config.pairName, node: config.nodeName },
    staleAfterMs: Math.max(3 * stateIntervalMs, 10_000) + POSTGRES_TIMEOUT_MS,
    token,
    logger,
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const roleFiles = watchRoleFiles(config.postgres.dataDir, config.fenceMarkerFile, () =>
    agent.wake({ hurry: true }),
  );
  const rearm = setInterval(() => roleFiles.refresh(), stateIntervalMs);
  const abort = new AbortController();
  const loop = agent.run(abort.signal);
  const healer = config.heal
    ? new Healer({
        pairName: config.pairName,
        config: config.heal,
        intervalMs: stateIntervalMs,
        hooks: {
          latestState: () => agent.status().state,
          setHealState: (state) => agent.setHealState(state),
          reportHealEvent: (event) => agent.reportHealEvent(event),
        },
        logger: logger.child({ component: "heal" }),
      })
    : null;
  const healing = healer?.run(abort.signal) ?? Promise.resolve();
  logger.info("agent started", { listen: server.address(), stateIntervalMs });
  return {
    agent,
    http: server.address() as AddressInfo,
    async stop() {
      abort.abort();
      clearInterval(rearm);
      roleFiles.close();
      await Promise.all([loop, healing]);
      // close() waits for open connections: end the idle keep-alive ones (health checkers) now.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      controlPlane.close();
      await Promise.all([
        probe.close(),
        repmgr.close(),
        backupConnection?.close(),
        clientAuthConnection?.close(),
      ]);
      logger.info("agent stopped");
    },
  };
}
