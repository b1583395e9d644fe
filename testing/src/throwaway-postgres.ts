// A real, disposable PostgreSQL 15 server for tests: initdb into a fresh directory, listen on
// 127.0.0.1 on a free port with scram-sha-256, stop and delete everything on `stop()`.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  initLocalPostgres,
  localPostgresUrl,
  startLocalPostgres,
  stopLocalPostgres,
} from "@pgaas/engine/local";

export { freePort } from "@pgaas/engine/local";

export interface ThrowawayPostgres {
  readonly url: string;
  readonly port: number;
  readonly password: string;
  /** Connection URL for another database on the same server. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

export async function startThrowawayPostgres(label = "pgaas-test"): Promise<ThrowawayPostgres> {
  const root = await mkdtemp(join(tmpdir(), `${label}-`));
  const password = randomBytes(18).toString("base64url");
  const options = {
    root,
    port: await freePort(),
    settings: {
      fsync: "off",
      shared_buffers: "16MB",
      // As on every pair member: query insights read pg_stat_statements.
      shared_preload_libraries: "pg_stat_statements",
    },
  };
  await initLocalPostgres(options, password);
  await startLocalPostgres(options);
  let stopped = false;
  return {
    url: localPostgresUrl(options.port, password),
    port: options.port,
    password,
    urlFor: (database) => localPostgresUrl(options.port, password, database),
    async stop() {
      if (stopped) return;
      stopped = true;
      await stopLocalPostgres(options, "immediate").catch(() => {});
      await rm(root, { recursive: true, force: true });
    },
  };
}
