// PgBouncer's [databases] include on this node: the agent rewrites it (atomically: a reload never
// sees half a file) and reloads PgBouncer with SIGHUP, so clients already connected keep their
// connections. The file's format is the engine's, one renderer for the bootstrap and the agent.
import { readFile } from "node:fs/promises";
import { renderPgbouncerDatabases } from "@pgaas/engine";
import { writeAtomically } from "../files/write-atomically.js";

export interface PooledDatabases {
  set(databases: readonly string[]): Promise<{ ok: boolean; message: string }>;
}

export interface PoolerFiles {
  readonly databasesFile: string;
  readonly pidFile: string;
  /** PostgreSQL's unix socket, which PgBouncer reaches it through. */
  readonly socketDir: string;
  readonly port: number;
}

export function localPooledDatabases(
  files: PoolerFiles,
  signal: (pid: number) => void = (pid) => process.kill(pid, "SIGHUP"),
): PooledDatabases {
  return {
    async set(databases) {
      const body = renderPgbouncerDatabases({ socketDir: files.socketDir, port: files.port }, databases);
      await writeAtomically(files.databasesFile, body, 0o640);
      const pid = Number((await readFile(files.pidFile, "utf8").catch(() => "")).trim());
      // Not running: the file is in place and PgBouncer reads it when it starts.
      if (!Number.isInteger(pid) || pid <= 0) {
        return { ok: true, message: `pooled databases written (${databases.length}); PgBouncer not running` };
      }
      try {
        signal(pid);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
        return { ok: true, message: `pooled databases written (${databases.length}); PgBouncer not running` };
      }
      return { ok: true, message: `PgBouncer reloaded with ${databases.length} pooled databases` };
    },
  };
}
