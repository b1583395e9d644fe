// Backup benchmark on a real pair in namespace hosts (root on Linux), the witness host as the pgBackRest
// repository host:   tsx --conditions=pgaas-source bench/backup.ts [--scale 20]
// Generates a pgbench database (scale 20 ≈ 300 MB), then measures a full backup, the archive lag after a
// write load (WAL switch → segment in the repository), and a point-in-time restore of that database
// under a new name (scratch instance, dump, restore into the primary). Checks that rows up to T are back
// and none after, and that `pgbackrest check` passes (no WAL gap). Prints a table and, last, one RESULT line.
import { parseArgs } from "node:util";
import { describeError } from "@pgaas/common";
import {
  bootstrapPair,
  generatePairSecrets,
  listBackups,
  restoreDatabase,
  takeBackup,
  teardownPair,
} from "@pgaas/engine";
import { hostExec } from "@pgaas/engine/testing";
import {
  claimFreshLab,
  LAB_HOSTS,
  labPairHosts,
  labPairSpec,
  printResult,
  printTable,
  psqlOn,
} from "@pgaas/testing";

const { values } = parseArgs({ options: { scale: { type: "string", default: "20" } } });
const SCALE = Number(values.scale);
const PG_BIN = "/usr/lib/postgresql/15/bin";
const log = (line: string) => process.stderr.write(`${line}\n`);
const seconds = (ms: number) => Math.round(ms / 10) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!Number.isInteger(SCALE) || SCALE < 1 || SCALE > 200) throw new Error("--scale must be 1–200");
  const { lab, release } = await claimFreshLab(
    { prefix: "pbb", first: "10.231.160.0/24", count: 5 },
    LAB_HOSTS,
  );
  const secrets = generatePairSecrets("bench");
  const spec = labPairSpec(lab, `bkb-${lab.prefix}`, { backup: { repository: { kind: "local" } } });
  const hosts = labPairHosts(lab);
  const socket = `/run/pgaas/${spec.name}/n1`;
  const asPostgres = async (argv: string[]) => {
    const result = await hostExec(lab, "n1", ["runuser", "-u", "postgres", "--", ...argv]);
    if (result.code !== 0) throw new Error(`${argv[0]}: ${result.stderr.trim()}`);
    return result.stdout.trim();
  };
  const sql = (database: string, text: string) => psqlOn(lab, spec.name, "n1", database, text);
  const cleanup = async () => {
    await teardownPair(spec, hosts, { postgresSshPublicKey: secrets.postgresSshPublicKey }).catch(
      () => undefined,
    );
    await hostExec(lab, "w", ["rm", "-rf", "--", `/var/lib/pgbackrest/${spec.name}`]).catch(() => undefined);
    await release();
  };
  process.once("SIGINT", () => void cleanup().finally(() => process.exit(130)));
  try {
    await bootstrapPair(spec, hosts, { secrets });
    await sql("postgres", "CREATE ROLE bench_owner LOGIN IN ROLE pgaas_tenants");
    await sql("postgres", "CREATE DATABASE bench OWNER bench_owner TEMPLATE template1");
    log(`pgbench -i -s ${SCALE} …`);
    await asPostgres([`${PG_BIN}/pgbench`, "-i", "-q", "-s", String(SCALE), "-h", socket, "bench"]);
    await sql(
      "bench",
      "ALTER TABLE pgbench_accounts OWNER TO bench_owner; ALTER TABLE pgbench_branches OWNER TO bench_owner; ALTER TABLE pgbench_tellers OWNER TO bench_owner; ALTER TABLE pgbench_history OWNER TO bench_owner",
    );
    const dbMb = Math.round(Number(await sql("postgres", "SELECT pg_database_size('bench')")) / 1048576);

    log("full backup …");
    let started = performance.now();
    const full = await takeBackup(spec, hosts, { type: "full" });
    const backupFull = seconds(performance.now() - started);

    log("write load 20 s, then archive lag …");
    await asPostgres([`${PG_BIN}/pgbench`, "-n", "-T", "20", "-c", "2", "-h", socket, "bench"]);
    const segment = await sql("postgres", "SELECT pg_walfile_name(pg_switch_wal())");
    started = performance.now();
    for (let attempt = 0; attempt < 1200; attempt += 1) {
      const archived = await sql("postgres", "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
      if (archived >= segment) break;
      await sleep(50);
    }
    const archiveLag = seconds(performance.now() - started);

    await sql(
      "bench",
      "CREATE TABLE marks (id int PRIMARY KEY); ALTER TABLE marks OWNER TO bench_owner; INSERT INTO marks VALUES (1)",
    );
    await sleep(1100);
    const t = new Date().toISOString();
    await sleep(1100);
    await sql("bench", "INSERT INTO marks VALUES (2)");
    log("point-in-time restore …");
    started = performance.now();
    await restoreDatabase(spec, hosts, { database: "bench", newName: "bench_at_t", time: t });
    const restorePitr = seconds(performance.now() - started);
    const marks = await sql("bench_at_t", "SELECT string_agg(id::text, ',' ORDER BY id) FROM marks");
    const accounts = await sql("bench_at_t", "SELECT count(*) FROM pgbench_accounts");
    const rowsOk = marks === "1" && Number(accounts) === SCALE * 100_000 ? 1 : 0;
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
    const walGap = check.code === 0 ? 0 : 1;
    const list = await listBackups(spec, hosts);

    const rows: string[][] = [
      ["database (pgbench scale)", `${dbMb} MB (${SCALE})`],
      [
        "full backup",
        `${backupFull} s (${Math.round(full.repositoryBytes / 1048576)} MB in the repository, lz4 + AES-256)`,
      ],
      ["archive lag (WAL switch → in the repository)", `${archiveLag} s`],
      ["restore database as of T under a new name", `${restorePitr} s`],
      [
        "rows up to T present, none after",
        rowsOk === 1 ? "yes" : `no (marks ${marks}, accounts ${accounts})`,
      ],
      ["pgbackrest check (WAL archive continuous)", walGap === 0 ? "passed" : check.stderr.trim()],
      ["backups in the repository", list.backups.map((b) => `${b.label} ${b.type}`).join(", ")],
    ];
    printTable(["measure", "result"], rows);
    printResult({
      db_mb: dbMb,
      backup_full_s: backupFull,
      archive_lag_s: archiveLag,
      restore_pitr_s: restorePitr,
      pitr_rows_ok: rowsOk,
      wal_gap: walGap,
    });
  } catch (error) {
    log(`bench:backup failed: ${describeError(error)}`);
    throw error;
  } finally {
    await cleanup().catch((error: unknown) => log(`cleanup failed: ${describeError(error)}`));
  }
}

main().then(
  () => process.exit(0),
  () => process.exit(1),
);
