// System test: a whole pair restored to a point in time into a NEW pair (spec.restoreFrom). Pair A
// (n1, n2, witness w as its local pgBackRest repository host) gets rows, a backup, a noted time T and
// more rows; what A held at T is first looked at in a scratch instance (each database's owner and row
// estimate). Bad targets fail pair B's bootstrap before any data directory exists, naming the range.
// Then pair B (m1, m2, its own witness v on the same host w) is bootstrapped from A's repository at T:
// B holds exactly the rows up to T, is a healthy synchronous pair with its own repmgr metadata,
// archives into its own stanza (pgbackrest check passes, a first full backup exists), and A's
// repository is untouched (same backups, no timeline of B's in A's archive).

import { existsSync, readdirSync } from "node:fs";
import {
  bootstrapPair,
  describePointInTime,
  generatePairSecrets,
  listBackups,
  type PairHosts,
  type PairSpec,
  pairStatus,
  parsePairSpec,
  revealPairSecrets,
  takeBackup,
  teardownPair,
} from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { hostExec } from "@pgaas/engine/testing";
import {
  dumpLogs,
  labPairHosts,
  labPairSpec,
  printProgress,
  psqlOn,
  removePairLeftovers,
  withLab,
} from "@pgaas/testing";
import { describe, expect, it } from "vitest";

const fixture = withLab({
  range: { prefix: "ppr", first: "10.231.225.0/24", count: 2 },
  hosts: ["n1", "n2", "w", "m1", "m2"],
});
const sourceSecrets = generatePairSecrets("pr-a");
const targetSecrets = generatePairSecrets("pr-b");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error("expected a rejection");
}

/** Pair B: nodes m1 and m2, its own witness `v` on A's witness host (where A's repository lives). */
function targetSpec(lab: LocalLab, source: PairSpec, time: string): PairSpec {
  const base = lab.subnet.replace(/\.0\/24$/, "");
  return parsePairSpec({
    name: `pr-b-${lab.prefix}`,
    postgres: { memoryMb: 512 },
    nodes: [
      { name: "m1", address: lab.host("m1").address },
      { name: "m2", address: lab.host("m2").address },
    ],
    witness: { name: "v", address: lab.host("w").address, port: 5433 },
    endpoint: {
      kind: "vip",
      address: `${base}.101`,
      interface: "eth0",
      vrrpRouterId: (source.endpoint.vrrpRouterId % 255) + 1,
    },
    network: {
      nodeCidr: lab.subnet,
      clientCidrs: [`${lab.hostAddress}/32`],
      controlPlaneCidrs: [`${lab.hostAddress}/32`],
    },
    backup: { repository: { kind: "local" } },
    restoreFrom: {
      repository: { kind: "local" },
      stanza: source.name,
      time,
      cipherPass: revealPairSecrets(sourceSecrets).backupCipherPass,
    },
  });
}

function targetHosts(lab: LocalLab): PairHosts {
  const host = (name: string) => ({ ssh: lab.host(name).ssh, serviceManager: lab.host(name).serviceManager });
  return { nodes: [host("m1"), host("m2")], witness: host("w") };
}

/** Nothing half-initialised: no completed data directory, and no data in it. */
function noDataDirectory(spec: PairSpec, node: string): boolean {
  const stateDir = `/var/lib/pgaas/${spec.name}/${node}`;
  if (existsSync(`${stateDir}/data.complete`)) return false;
  return !existsSync(`${stateDir}/data`) || readdirSync(`${stateDir}/data`).length === 0;
}

describe("restore a whole pair into a new pair", () => {
  it("seeds pair B from pair A's repository as of T and leaves A's repository untouched", async () => {
    const lab = fixture.lab;
    const source = labPairSpec(lab, `pr-a-${lab.prefix}`, { backup: { repository: { kind: "local" } } });
    const sourceHosts = labPairHosts(lab);
    const onA = (database: string, sql: string) => psqlOn(lab, source.name, "n1", database, sql);
    let target: PairSpec | undefined;
    await removePairLeftovers(source);
    try {
      await bootstrapPair(source, sourceHosts, { secrets: sourceSecrets, onProgress: printProgress });
      await onA("postgres", "CREATE ROLE app_owner LOGIN PASSWORD 'at-t-password' IN ROLE pgaas_tenants");
      await onA("postgres", "CREATE DATABASE app OWNER app_owner TEMPLATE template1");
      await onA("app", "CREATE TABLE items (id int PRIMARY KEY); ALTER TABLE items OWNER TO app_owner");
      await onA("app", "INSERT INTO items SELECT g FROM generate_series(1, 100) g");
      await takeBackup(source, sourceHosts, { type: "diff" });
      await onA("app", "INSERT INTO items SELECT g FROM generate_series(101, 200) g");
      // Planner estimates as of T are exact for a table analyzed before it.
      await onA("app", "ANALYZE items");
      await sleep(1100);
      const t = new Date().toISOString();
      await sleep(1100);
      await onA("app", "INSERT INTO items SELECT g FROM generate_series(201, 300) g");
      // A backup after T: the WAL up to T is in the archive (the time lies inside what A archived).
      await takeBackup(source, sourceHosts, { type: "diff" });
      const sourceBefore = await listBackups(source, sourceHosts);
      expect(sourceBefore.backups.map((b) => b.type)).toEqual(["full", "diff", "diff"]);
      const range = `restorable from ${sourceBefore.restorableFrom}`;

      // What A held at T, looked at in a scratch instance on the repository host (A untouched).
      const atT = await describePointInTime(source, sourceHosts, { time: t });
      expect(atT.databases.map((d) => d.name)).toEqual(["app", "postgres", "repmgr", "template1"]);
      const app = atT.databases.find((d) => d.name === "app");
      expect([app?.owner, app?.rowEstimate]).toEqual(["app_owner", 200]);
      expect(app?.sizeBytes).toBeGreaterThan(0);
      expect((await hostExec(lab, "w", ["ls", "-A", `/var/lib/pgaas/${source.name}/w/restore`])).stdout).toBe(
        "",
      );

      target = targetSpec(lab, source, t);
      const b = target;
      const bHosts = targetHosts(lab);
      await removePairLeftovers(b);

      // Bad targets: the bootstrap fails at the target check, before any data directory exists.
      const future = await errorOf(
        bootstrapPair(targetSpec(lab, source, new Date(Date.now() + 3_600_000).toISOString()), bHosts, {
          secrets: targetSecrets,
        }),
      );
      expect(future.code).toBe("restore_time_in_future");
      expect(future.message).toContain(range);
      expect(noDataDirectory(b, "m1")).toBe(true);
      const tooOld = await errorOf(
        bootstrapPair(targetSpec(lab, source, "2001-01-01T00:00:00Z"), bHosts, { secrets: targetSecrets }),
      );
      expect(tooOld.code).toBe("restore_time_before_oldest_backup");
      expect(tooOld.message).toContain(range);
      expect(noDataDirectory(b, "m1")).toBe(true);
      expect(noDataDirectory(b, "m2")).toBe(true);
      // The source's key was on the hosts only for the seed.
      expect(existsSync(`/etc/pgaas/${b.name}/m1/pgbackrest-seed.conf`)).toBe(false);
      expect(existsSync(`/etc/pgaas/${b.name}/v/pgbackrest-seed.conf`)).toBe(false);

      // The restore into pair B as of T.
      const started = performance.now();
      const result = await bootstrapPair(b, bHosts, { secrets: targetSecrets, onProgress: printProgress });
      process.stdout.write(`pair restored as of T: ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      expect(result.primary).toBe("m1");
      const onB = (node: string, database: string, sql: string) => psqlOn(lab, b.name, node, database, sql);
      expect(await onB("m1", "app", "SELECT count(*), min(id), max(id) FROM items")).toBe("200|1|200");
      expect(
        await onB("m1", "postgres", "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'app'"),
      ).toBe("app_owner");
      // A new timeline, its own repmgr metadata, a synchronous standby with the same rows.
      expect(Number(await onB("m1", "postgres", "SELECT timeline_id FROM pg_control_checkpoint()"))).toBe(2);
      expect(
        await onB("m1", "repmgr", "SELECT string_agg(node_name, ',' ORDER BY node_id) FROM repmgr.nodes"),
      ).toBe("m1,m2,v");
      const status = await pairStatus(b, bHosts);
      expect(status.primary).toBe("m1");
      expect(status.replication).toBe("synchronous");
      expect(await onB("m2", "app", "SELECT count(*) FROM items")).toBe("200");
      expect(await onB("m1", "postgres", "SHOW restore_command")).toBe("");
      expect(existsSync(`/etc/pgaas/${b.name}/m1/pgbackrest-seed.conf`)).toBe(false);
      expect(existsSync(`/etc/pgaas/${b.name}/v/pgbackrest-seed.conf`)).toBe(false);

      // B archives into its own stanza.
      const check = await hostExec(lab, "w", [
        "runuser",
        "-u",
        "postgres",
        "--",
        "pgbackrest",
        `--config=/etc/pgaas/${b.name}/v/pgbackrest.conf`,
        `--stanza=${b.name}`,
        "check",
      ]);
      expect(check.code, check.stderr).toBe(0);
      const own = await listBackups(b, bHosts);
      expect(own.backups.map((backup) => backup.type)).toEqual(["full"]);

      // A's repository: the same backups, and nothing of B's timeline in A's archive.
      const sourceAfter = await listBackups(source, sourceHosts);
      expect(sourceAfter.backups).toEqual(sourceBefore.backups);
      const archive = `/var/lib/pgbackrest/${source.name}/archive/${source.name}`;
      // One directory per PostgreSQL version and system id (15-1), holding history files and WAL
      // directories named after their timeline: B's is timeline 2, A never left timeline 1.
      const archiveIds = readdirSync(archive).filter((entry) => /^\d+-\d+$/.test(entry));
      expect(archiveIds).toEqual(["15-1"]);
      const sourceFiles = archiveIds.flatMap((id) => readdirSync(`${archive}/${id}`));
      expect(sourceFiles.some((name) => name.startsWith("00000001"))).toBe(true);
      expect(sourceFiles.filter((name) => name.startsWith("00000002"))).toEqual([]);

      // Rerunning the bootstrap keeps B's data: restoreFrom only seeds.
      await onB("m1", "app", "INSERT INTO items VALUES (1000)");
      const again = await bootstrapPair(b, bHosts, { secrets: targetSecrets });
      expect(again.steps.some((step) => step.step === "restore-source")).toBe(false);
      expect(await onB("m1", "app", "SELECT count(*) FROM items")).toBe("201");
    } catch (error) {
      await dumpLogs(source);
      if (target) await dumpLogs(target);
      throw error;
    } finally {
      if (target) {
        await teardownPair(target, targetHosts(lab), {
          postgresSshPublicKey: targetSecrets.postgresSshPublicKey,
        }).catch(() => undefined);
      }
      await teardownPair(source, sourceHosts, {
        postgresSshPublicKey: sourceSecrets.postgresSshPublicKey,
      }).catch(() => undefined);
    }
  }, 900_000);
});
