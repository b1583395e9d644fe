// System test: backups and point-in-time restore on a real pair (n1, n2, witness w as the pgBackRest
// repository host, archiving over SSH). One pair serves every case, in order: the bootstrap's stanza and
// first full backup; the PITR scenario (rows up to T back under a new name, none after); bad
// targets refused with the restorable range and nothing left behind; a failover while archiving, after
// which `pgbackrest check` passes and a restore to a time after the timeline switch has every row.

import { existsSync } from "node:fs";
import {
  bootstrapPair,
  generatePairSecrets,
  listBackups,
  pairStatus,
  restoreDatabase,
  takeBackup,
  teardownPair,
} from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import {
  dumpLogs,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  printProgress,
  psqlOn,
  removePairLeftovers,
  withLab,
} from "@pgaas/testing";
import { describe, expect, it } from "vitest";

const fixture = withLab({ range: { prefix: "pbk", first: "10.231.150.0/24", count: 5 }, hosts: LAB_HOSTS });
const secrets = generatePairSecrets("bk");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const started = performance.now();
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (await check().catch(() => false)) return;
    if (performance.now() - started > timeoutMs) break;
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

describe("backups and point-in-time restore", () => {
  it("restores a database as of T, refuses bad targets, and archives across a failover", async () => {
    const lab = fixture.lab;
    const spec = labPairSpec(lab, `bk-${lab.prefix}`, { backup: { repository: { kind: "local" } } });
    const hosts = labPairHosts(lab);
    const onPrimary = (node: string, database: string, sql: string) =>
      psqlOn(lab, spec.name, node, database, sql);
    await removePairLeftovers(spec);
    try {
      await bootstrapPair(spec, hosts, { secrets, onProgress: printProgress });
      const first = await listBackups(spec, hosts);
      expect(first.backups.map((b) => b.type)).toEqual(["full"]);
      expect(first.statusCode).toBe(0);

      // A tenant database, as the control plane makes them.
      await onPrimary("n1", "postgres", "CREATE ROLE app_owner LOGIN IN ROLE pgaas_tenants");
      await onPrimary("n1", "postgres", "CREATE DATABASE app OWNER app_owner TEMPLATE template1");
      await onPrimary(
        "n1",
        "app",
        "CREATE TABLE items (id int PRIMARY KEY, at timestamptz DEFAULT clock_timestamp()); ALTER TABLE items OWNER TO app_owner",
      );

      // 1. rows, then a backup; 2. more rows, note T; 3. more rows, then drop the table.
      await onPrimary("n1", "app", "INSERT INTO items (id) SELECT g FROM generate_series(1, 100) g");
      const diff = await takeBackup(spec, hosts, { type: "diff" });
      expect(diff.type).toBe("diff");
      await onPrimary("n1", "app", "INSERT INTO items (id) SELECT g FROM generate_series(101, 200) g");
      await sleep(1100);
      const t = new Date().toISOString();
      await sleep(1100);
      await onPrimary("n1", "app", "INSERT INTO items (id) SELECT g FROM generate_series(201, 300) g");
      await onPrimary("n1", "app", "DROP TABLE items");

      // 4. restore as of T into a new database.
      const restored = await restoreDatabase(spec, hosts, { database: "app", newName: "app_at_t", time: t });
      process.stdout.write(`restore database as of T: ${(restored.durationMs / 1000).toFixed(1)} s\n`);
      expect(restored).toMatchObject({ database: "app_at_t", owner: "app_owner" });
      expect(await onPrimary("n1", "app_at_t", "SELECT count(*), min(id), max(id) FROM items")).toBe(
        "200|1|200",
      );
      expect(
        await onPrimary(
          "n1",
          "postgres",
          "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app_at_t'",
        ),
      ).toBe("app_owner");
      expect(
        await onPrimary(
          "n1",
          "app_at_t",
          "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'items'",
        ),
      ).toBe("app_owner");

      // Bad targets: a typed error naming the restorable range; nothing created, no scratch left.
      const list = await listBackups(spec, hosts);
      const range = `restorable from ${list.restorableFrom}`;
      const before = await errorOf(
        restoreDatabase(spec, hosts, { database: "app", newName: "app_bad", time: "2001-01-01T00:00:00Z" }),
      );
      expect(before.code).toBe("restore_time_before_oldest_backup");
      expect(before.message).toContain(range);
      const future = await errorOf(
        restoreDatabase(spec, hosts, {
          database: "app",
          newName: "app_bad",
          time: new Date(Date.now() + 3_600_000).toISOString(),
        }),
      );
      expect(future.code).toBe("restore_time_in_future");
      expect(future.message).toContain(range);
      const unknown = await errorOf(
        restoreDatabase(spec, hosts, { database: "app", newName: "app_bad", backup: "20010101-000000F" }),
      );
      expect(unknown.code).toBe("unknown_backup");
      expect(unknown.message).toContain(range);
      expect(
        await onPrimary("n1", "postgres", "SELECT count(*) FROM pg_database WHERE datname = 'app_bad'"),
      ).toBe("0");
      expect((await hostExec(lab, "w", ["ls", "-A", `/var/lib/pgaas/${spec.name}/w/restore`])).stdout).toBe(
        "",
      );

      // Failover while archiving: kill -9 the primary; n2 promotes on a new timeline.
      await onPrimary(
        "n1",
        "app",
        "CREATE TABLE ticks (id int PRIMARY KEY); ALTER TABLE ticks OWNER TO app_owner",
      );
      await onPrimary("n1", "app", "INSERT INTO ticks SELECT g FROM generate_series(1, 50) g");
      const pid = (
        await hostExec(lab, "n1", ["head", "-n1", `/var/lib/pgaas/${spec.name}/n1/data/postmaster.pid`])
      ).stdout.trim();
      await hostExec(lab, "n1", ["kill", "-9", pid]);
      await until("n2 promoted", async () => (await pairStatus(spec, hosts)).primary === "n2", 60_000);
      await onPrimary("n2", "app", "INSERT INTO ticks SELECT g FROM generate_series(51, 100) g");
      await sleep(1100);
      const afterSwitch = new Date().toISOString();
      await sleep(1100);
      await onPrimary("n2", "app", "INSERT INTO ticks SELECT g FROM generate_series(101, 150) g");
      const check = await hostExec(lab, "w", [
        "runuser",
        "-u",
        "postgres",
        "--",
        "pgbackrest",
        `--config=/etc/pgaas/${spec.name}/w/pgbackrest.conf`,
        `--stanza=${spec.name}`,
        "check",
      ]);
      expect(check.code, check.stderr).toBe(0);
      // The current WAL file's name starts with its timeline (pg_control's is only the last checkpoint's).
      const timeline = await onPrimary(
        "n2",
        "postgres",
        "SELECT substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8)",
      );
      expect(Number.parseInt(timeline, 16)).toBeGreaterThan(1);
      const afterFailover = await restoreDatabase(spec, hosts, {
        database: "app",
        newName: "app_after_failover",
        time: afterSwitch,
      });
      expect(afterFailover.owner).toBe("app_owner");
      expect(
        await onPrimary("n2", "app_after_failover", "SELECT count(*), min(id), max(id) FROM ticks"),
      ).toBe("100|1|100");
    } catch (error) {
      await dumpLogs(spec);
      throw error;
    } finally {
      await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
        () => undefined,
      );
    }
    // The repository goes with the pair: unreadable without the pair's cipher key, and in the way of
    // a new pair of the same name.
    expect(existsSync(`/var/lib/pgbackrest/${spec.name}`)).toBe(false);
  }, 900_000);
});
