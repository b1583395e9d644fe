// The agent's part in pooling: `set_pooled_databases` rewrites PgBouncer's [databases] include on
// any node and reloads PgBouncer through its PID file (the reload itself is exercised against a real
// PgBouncer by test/system/pooler.test.ts).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentCommand } from "@pgaas/common/wire";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { repmgrCommandRunner } from "../src/commands/command-runner.js";
import { localPooledDatabases } from "../src/pooler/pooled-databases.js";
import { MemoryRepmgr } from "./support/fakes.js";

const COMMAND: AgentCommand = {
  id: "6c1d4b5f-2e3a-4f7b-8c9d-8e7f6a5b4c3d",
  type: "set_pooled_databases",
  requestedAt: "2026-12-07T06:00:00.000Z",
  pooledDatabases: ["shop", "app"],
};

let dir = "";
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "pgaas-pooler-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function runnerWith(signalled: number[], signal?: (pid: number) => void) {
  const pooler = localPooledDatabases(
    {
      databasesFile: join(dir, "pgbouncer-databases.ini"),
      pidFile: join(dir, "pgbouncer.pid"),
      socketDir: "/run/pgaas/orders/n1",
      port: 5432,
    },
    signal ?? ((pid) => void signalled.push(pid)),
  );
  return repmgrCommandRunner(new MemoryRepmgr(), { pooler });
}

describe("set_pooled_databases", () => {
  it("writes exactly the listed databases and reloads PgBouncer, on a standby too", async () => {
    await writeFile(join(dir, "pgbouncer.pid"), "4242\n");
    const signalled: number[] = [];
    const result = await runnerWith(signalled).run(COMMAND, "standby");
    expect([result.outcome, result.message]).toEqual([
      "succeeded",
      "PgBouncer reloaded with 2 pooled databases",
    ]);
    expect(signalled).toEqual([4242]);
    const lines = (await readFile(join(dir, "pgbouncer-databases.ini"), "utf8")).split("\n").slice(2);
    expect(lines).toEqual([
      "app = host=/run/pgaas/orders/n1 port=5432 dbname=app",
      "shop = host=/run/pgaas/orders/n1 port=5432 dbname=shop",
      "",
    ]);
  });

  it("an empty list pools nothing; without a running PgBouncer the file is still written", async () => {
    const signalled: number[] = [];
    const result = await runnerWith(signalled).run({ ...COMMAND, pooledDatabases: [] }, "primary");
    expect([result.outcome, result.message]).toEqual([
      "succeeded",
      "pooled databases written (0); PgBouncer not running",
    ]);
    expect(signalled).toEqual([]);
    expect((await readFile(join(dir, "pgbouncer-databases.ini"), "utf8")).split("\n")[2]).toBe(
      "; no database is pooled",
    );
  });

  it("fails without a pooler on the node or without a list", async () => {
    const none = repmgrCommandRunner(new MemoryRepmgr());
    expect((await none.run(COMMAND, "primary")).message).toBe(
      "pooler_not_configured: this pair runs no PgBouncer",
    );
    const { pooledDatabases: _, ...bare } = COMMAND;
    expect((await runnerWith([]).run(bare, "primary")).outcome).toBe("failed");
  });
});
