import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LocalPostgres, startLocalPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresUnreachableError } from "../src/errors.js";
import { PgConnection } from "../src/postgres/pg-connection.js";
import { PgProbe } from "../src/postgres/pg-probe.js";
import { SystemRepmgr } from "../src/repmgr/system-repmgr.js";

let pg: LocalPostgres;
let probe: PgProbe;
let confDir: string;

beforeAll(async () => {
  pg = await startLocalPostgres();
  await pg.sql("CREATE DATABASE app");
  probe = new PgProbe(
    new PgConnection({
      socketDir: pg.socketDir,
      port: pg.port,
      user: pg.user,
      database: "postgres",
      timeoutMs: 3000,
    }),
  );
  confDir = await mkdtemp(join(tmpdir(), "pgaas-agent-repmgr-"));
});

afterAll(async () => {
  await probe?.close();
  await pg?.stop();
  if (confDir) await rm(confDir, { recursive: true, force: true });
});

describe("PgProbe against a real PostgreSQL 15", () => {
  it("reads a primary's state", async () => {
    const state = await probe.readState();
    const [expected] = await pg.sql(
      "SELECT pg_postmaster_start_time() AS started, current_setting('synchronous_standby_names') AS names",
    );
    expect(state).toEqual({
      inRecovery: false,
      readOnly: false,
      timeline: 1,
      lsn: state.lsn,
      receiveLsn: null,
      lagBytes: null,
      lagSeconds: null,
      synchronousStandbyNames: expected?.names,
      streamingStandbys: [],
      postmasterStartedAt: (expected?.started as Date | undefined)?.toISOString(),
      pendingRestart: false,
    });
    expect(state.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
    expect(await probe.acceptsWrites()).toBe(true);
  });

  it("sees default_transaction_read_only and pending restarts", async () => {
    await pg.sql("ALTER SYSTEM SET default_transaction_read_only = on");
    await pg.sql("ALTER SYSTEM SET max_connections = 150");
    await pg.sql("SELECT pg_reload_conf()");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await probe.close(); // a new session picks up the reloaded default
    const state = await probe.readState();
    expect([state.readOnly, state.pendingRestart]).toEqual([true, true]);
    expect(await probe.acceptsWrites()).toBe(false);
    await pg.sql("ALTER SYSTEM RESET ALL");
    await pg.sql("SELECT pg_reload_conf()");
    await new Promise((resolve) => setTimeout(resolve, 300));
    await probe.close();
    expect(await probe.acceptsWrites()).toBe(true);
  });

  it("reads per-database metrics, counting other sessions by state but not its own", async () => {
    await pg.sql("CREATE TABLE IF NOT EXISTS t (x int); INSERT INTO t SELECT generate_series(1, 1000)");
    const metrics = await probe.readDatabaseMetrics();
    expect(metrics.map((db) => db.name)).toEqual(["app", "postgres"]);
    const postgres = metrics.find((db) => db.name === "postgres");
    expect(postgres?.connections).toEqual({ active: 0, idle: 0, idleInTransaction: 0, other: 0 });
    expect(postgres?.sizeBytes).toBeGreaterThan(7_000_000);
    expect(postgres?.xactCommit).toBeGreaterThan(0);
    expect(postgres?.blksHit).toBeGreaterThan(0);
    expect([postgres?.deadlocks, postgres?.tempBytes]).toEqual([0, 0]);
  });

  it("throws PostgresUnreachableError for a server that is not there", async () => {
    const nowhere = new PgProbe(
      new PgConnection({
        socketDir: confDir,
        port: pg.port,
        user: pg.user,
        database: "postgres",
        timeoutMs: 1000,
      }),
    );
    await expect(nowhere.readState()).rejects.toBeInstanceOf(PostgresUnreachableError);
    await expect(nowhere.acceptsWrites()).rejects.toThrow(/cannot connect to PostgreSQL at .* as /);
  });
});

describe("SystemRepmgr status", () => {
  const options = () => ({
    binary: "/usr/bin/repmgr",
    connection: { socketDir: pg.socketDir, port: pg.port, user: pg.user, timeoutMs: 3000 },
    switchoverTimeoutMs: 10_000,
  });

  it("says unregistered without a repmgr.conf or without the extension", async () => {
    const missing = new SystemRepmgr({ ...options(), configFile: join(confDir, "absent.conf") });
    expect(await missing.readStatus()).toEqual({ nodeId: null, status: "unregistered", upstreamNode: null });
    const conf = join(confDir, "repmgr.conf");
    await writeFile(
      conf,
      "node_id=1\nnode_name='n1'\nconninfo='host=10.231.40.2 user=repmgr dbname=app connect_timeout=2'\n",
    );
    const noExtension = new SystemRepmgr({ ...options(), configFile: conf });
    expect(await noExtension.readStatus()).toEqual({ nodeId: 1, status: "unregistered", upstreamNode: null });
    await noExtension.close();
  });

  it("reads this node's repmgr row and repmgrd state from the repmgr database", async () => {
    await pg.sql("CREATE DATABASE repmgr");
    const repmgrDb = new PgConnection({
      socketDir: pg.socketDir,
      port: pg.port,
      user: pg.user,
      database: "repmgr",
      timeoutMs: 3000,
    });
    await repmgrDb.query("CREATE EXTENSION repmgr");
    await repmgrDb.query(`INSERT INTO repmgr.nodes (node_id, upstream_node_id, active, node_name, type, conninfo, repluser, location, priority, config_file)
      VALUES (1, NULL, true, 'n1', 'primary', 'host=a', 'repmgr', 'default', 100, '/etc/a.conf'),
             (2, 1, true, 'n2', 'standby', 'host=b', 'repmgr', 'default', 100, '/etc/b.conf')`);
    await repmgrDb.close();
    const conf = join(confDir, "repmgr-2.conf");
    await writeFile(conf, "node_id = 2\nconninfo = 'host=10.231.40.3 user=repmgr dbname=repmgr'\n");
    const repmgr = new SystemRepmgr({ ...options(), configFile: conf });
    // repmgr is not in shared_preload_libraries here, so repmgrd cannot be running.
    expect(await repmgr.readStatus()).toEqual({ nodeId: 2, status: "repmgrd_stopped", upstreamNode: "n1" });
    await repmgr.close();
  });

  it("prepares a switchover (sync names cleared) and reports repmgr's failure with its exit code and output", async () => {
    await pg.sql("ALTER SYSTEM SET synchronous_standby_names = 'ANY 1 (n1, n2)'");
    const repmgr = new SystemRepmgr({ ...options(), configFile: join(confDir, "repmgr-2.conf") });
    // The tests run as root, which repmgr refuses: a real failure, quickly.
    expect(await repmgr.standbySwitchover()).toEqual({
      exitCode: 1,
      output:
        'repmgr: cannot be run as root\nPlease log in (using, e.g., "su") as the (unprivileged) user that owns the data directory.',
    });
    const [setting] = await pg.sql(
      "SELECT setting FROM pg_file_settings WHERE name = 'synchronous_standby_names'",
    );
    expect(setting?.setting).toBe("");
    await repmgr.close();
  });
});
