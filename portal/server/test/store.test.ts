// Migrations on a real store: applied once, a second run changes nothing; retention rolls up and prunes,
// and reports read roll-ups and raw samples alike.

import { randomBytes } from "node:crypto";
import { memoryLogger } from "@pgaas/common";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSecretBox } from "../src/crypto/cipher.js";
import { createBackups } from "../src/services/backups.js";
import { createDatabases } from "../src/services/databases.js";
import { createPairs } from "../src/services/pairs.js";
import { createReports } from "../src/services/reports.js";
import { applyRetention } from "../src/services/retention.js";
import { openStore, type Store } from "../src/store/db.js";
import { migrate } from "../src/store/migrate.js";
import { MIGRATIONS } from "../src/store/migrations.js";
import { admin, historyPair, writableReports } from "./support/report-history.js";

/** Reports never delete a database, so no certificate is ever revoked here. */
const NO_DELETES = { revokeForDatabase: async () => undefined };

let server: ThrowawayPostgres;
let store: Store;

beforeAll(async () => {
  server = await startThrowawayPostgres("pgs-migrate");
  store = openStore(server.url, { max: 4 });
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
});

it("applies migrations once, concurrently safe and idempotent", async () => {
  const runs = await Promise.all([migrate(store, MIGRATIONS), migrate(store, MIGRATIONS)]);
  expect(runs.map((applied) => applied.length).sort()).toEqual([0, MIGRATIONS.length]);
  expect(await migrate(store, MIGRATIONS)).toEqual([]);
  const { rows } = await store.query("SELECT version, name FROM schema_migrations ORDER BY version");
  expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
});

it("starts role_since and sync_state_since of existing node state at its sample (migration 4)", async () => {
  await store.query("CREATE DATABASE backfill");
  const older = openStore(server.urlFor("backfill"), { max: 1 });
  try {
    await migrate(
      older,
      MIGRATIONS.filter((migration) => migration.version < 4),
    );
    await older.query(`
      WITH p AS (INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed)
                 VALUES ('p', 'h', 5432, 'a', '\\x00') RETURNING id),
           n AS (INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash)
                 SELECT id, 'n1', 'h', 5432, 9187, '\\x01' FROM p RETURNING id)
      INSERT INTO node_state (node_id, sampled_at, received_at, role, writable, fenced, sync_state, pending_restart)
      SELECT id, '2026-11-29T21:00:00Z', '2026-11-29T21:00:01Z', 'primary', true, false, 'sync', false FROM n`);
    // Every later migration runs too (derived, so a new migration does not have to edit this test).
    expect(await migrate(older, MIGRATIONS)).toEqual(
      MIGRATIONS.map((migration) => migration.version).filter((version) => version >= 4),
    );
    const { rows } = await older.query<{ role_since: Date; sync_state_since: Date }>(
      "SELECT role_since, sync_state_since FROM node_state",
    );
    expect(rows.map((row) => [row.role_since.toISOString(), row.sync_state_since.toISOString()])).toEqual([
      ["2026-11-29T21:00:00.000Z", "2026-11-29T21:00:00.000Z"],
    ]);
  } finally {
    await older.close();
  }
});

it("rolls raw samples older than the window into hourly rows and deletes them", async () => {
  const { rows: pairRows } = await store.query<{ id: string }>(
    "INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed, created_at) VALUES ('p', 'h', 5432, 'a', '\\x00', '2026-11-01T00:00:00Z') RETURNING id",
  );
  const { rows: nodes } = await store.query<{ id: string }>(
    "INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash) VALUES ($1, 'n1', 'h', 5432, 9187, '\\x01') RETURNING id",
    [pairRows[0]?.id],
  );
  const nodeId = nodes[0]?.id;
  const now = new Date("2026-11-29T12:00:00.000Z");
  // Old: the primary degraded, then (same node, for brevity) a standby 5 bytes behind; recent: 7 behind.
  for (const [minutesAgo, role, syncState, lag] of [
    [8 * 1440 + 10, "primary", "degraded", null],
    [8 * 1440 + 5, "standby", "none", 5],
    [60, "standby", "none", 7],
  ] as const) {
    await store.query(
      "INSERT INTO state_samples (node_id, sampled_at, role, writable, fenced, sync_state, lag_bytes, lag_seconds) VALUES ($1, $2, $3, $4, false, $5, $6, 0.1)",
      [nodeId, new Date(now.getTime() - minutesAgo * 60_000), role, role === "primary", syncState, lag],
    );
  }
  await applyRetention(store, { rawDays: 7, seenDays: 7, alertDays: 30 }, now);
  const { rows: left } = await store.query("SELECT count(*)::int AS n FROM state_samples");
  const { rows: rollups } = await store.query(
    "SELECT samples, writable_samples, degraded_samples, max_lag_bytes, up_seconds FROM state_rollups",
  );
  expect(left).toEqual([{ n: 1 }]);
  // The lone writable report vouches for the 6 s before it.
  expect(rollups).toEqual([
    { samples: 2, writable_samples: 1, degraded_samples: 1, max_lag_bytes: 5, up_seconds: 6 },
  ]);
  // A pair report over nine days reads the roll-up (old) and the raw sample (recent) alike.
  const pairs = createPairs(store, createSecretBox(randomBytes(32)), () => now);
  const reports = createReports(
    store,
    pairs,
    createDatabases(store, pairs, memoryLogger("store-test"), createBackups(store, pairs), NO_DELETES),
    () => now,
  );
  const report = await reports.pair(pairRows[0]?.id as string, {
    from: new Date(now.getTime() - 9 * 86_400_000).toISOString(),
    to: now.toISOString(),
    format: "json",
  });
  // Up: the 6 s the one rolled-up writable report vouched for, of nine days (less the 6 s not judged yet).
  expect([
    report.bucketSeconds,
    report.points.map((point) => point.lagBytes),
    report.summary.uptimeRatio,
  ]).toEqual([7200, [5, 7], 1 - (9 * 86_400 - 12) / (9 * 86_400 - 6)]);
});

it("forgets finished alert deliveries older than the window and keeps pending ones", async () => {
  const now = new Date("2026-11-29T12:00:00.000Z");
  const { rows: endpoints } = await store.query<{ id: string }>(
    "INSERT INTO alert_endpoints (id, url, kinds, secret_sealed) VALUES (gen_random_uuid(), 'https://h/a', '{failover}', '\\x00') RETURNING id",
  );
  for (const [daysAgo, state] of [
    [31, "delivered"],
    [31, "failed"],
    [31, "pending"],
    [29, "failed"],
  ] as const) {
    await store.query(
      "INSERT INTO alert_deliveries (endpoint_id, event_id, kind, payload, state, created_at) VALUES ($1, gen_random_uuid(), 'failover', '{}', $2, $3)",
      [endpoints[0]?.id, state, new Date(now.getTime() - daysAgo * 86_400_000)],
    );
  }
  await applyRetention(store, { rawDays: 7, seenDays: 7, alertDays: 30 }, now);
  const { rows } = await store.query<{ state: string; created_at: Date }>(
    "SELECT state, created_at FROM alert_deliveries ORDER BY created_at, state",
  );
  expect(rows.map((row) => [row.state, row.created_at.toISOString()])).toEqual([
    ["pending", "2026-10-29T12:00:00.000Z"],
    ["failed", "2026-10-31T12:00:00.000Z"],
  ]);
});

const reportsAt = (now: Date) => {
  const pairs = createPairs(store, createSecretBox(randomBytes(32)), () => now);
  return createReports(
    store,
    pairs,
    createDatabases(store, pairs, memoryLogger("store-test"), createBackups(store, pairs), NO_DELETES),
    () => now,
  );
};

it("starts a database report at the database's creation: a failover before it is not charged, silence is an outage", async () => {
  const now = new Date("2026-11-29T12:00:00.000Z");
  const at = (hhmm: string, seconds = 30) =>
    new Date(`2026-11-29T${hhmm}:${String(seconds).padStart(2, "0")}Z`);
  const { pairId, node, failover, database } = await historyPair(store, "history", "2026-11-20T00:00:00Z");
  // Known history: n1 primary 09:00–09:29:50; nothing writable for 30 s; a failover to n2 at 09:30:20,
  // which is degraded 09:40–09:45 and writable to 10:59:58; silence; n1 back as primary from 11:15
  // (a second failover). The database appears at 10:00, after the first failover.
  await writableReports(store, node("n1"), "2026-11-29T09:00:00Z", "2026-11-29T09:29:50Z");
  await writableReports(store, node("n2"), "2026-11-29T09:30:20Z", "2026-11-29T10:59:58Z", {
    from: "2026-11-29T09:40:00Z",
    to: "2026-11-29T09:45:00Z",
  });
  await writableReports(store, node("n1"), "2026-11-29T11:15:00Z", "2026-11-29T11:59:58Z");
  await failover("n2", "2026-11-29T09:30:20Z");
  await failover("n1", "2026-11-29T11:15:00Z");
  const databaseId = await database("shop", "2026-11-29T10:00:00Z");
  // An older database of the same name left a sample at 09:50; the new one counts 60 commits a minute.
  for (const [sampledAt, size, commits] of [
    [at("09:50"), 999, 5000],
    [at("10:00"), 8192, 0],
    [at("10:01"), 16_384, 60],
    [at("10:02"), 16_384, 120],
  ] as const) {
    await store.query(
      "INSERT INTO database_samples (node_id, database_name, sampled_at, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes) VALUES ($1, 'shop', $2, $3, 1, $4, 0, 0, 0, 0, 0)",
      [node("n2"), sampledAt, size, commits],
    );
  }
  const reports = reportsAt(now);
  const report = await reports.database(admin, databaseId, {
    from: "2026-11-29T06:00:00.000Z",
    to: now.toISOString(),
    format: "json",
  });
  const withSize = report.points.filter((point) => point.sizeBytes !== null);
  // Judged up to 11:59:54: the last 6 s wait for the report that vouches for them.
  const silence = { from: "2026-11-29T10:59:58.000Z", to: "2026-11-29T11:14:54.000Z", downSeconds: 896 };
  expect({
    from: report.from,
    bucketSeconds: report.bucketSeconds,
    points: report.points.length,
    firstPoint: report.points[0]?.at,
    sizes: withSize.map((point) => [point.at, point.sizeBytes, point.commitsPerSecond]),
    uptimeRatio: report.summary.uptimeRatio,
    outages: report.summary.outages,
    failovers: report.summary.failovers,
    degradedPeriods: report.summary.degradedPeriods,
    sizeGrowthBytes: report.summary.sizeGrowthBytes,
  }).toEqual({
    from: "2026-11-29T10:00:00.000Z",
    bucketSeconds: 60,
    // One point per minute with a report: 10:00–10:59 and 11:15–11:59.
    points: 105,
    firstPoint: "2026-11-29T10:00:00.000Z",
    sizes: [
      ["2026-11-29T10:00:00.000Z", 8192, null],
      ["2026-11-29T10:01:00.000Z", 16_384, 1],
      ["2026-11-29T10:02:00.000Z", 16_384, 1],
    ],
    uptimeRatio: 1 - 896 / (2 * 3600 - 6),
    outages: [silence],
    failovers: 1,
    degradedPeriods: [],
    sizeGrowthBytes: 8192,
  });
  // The pair, registered long before, is charged with both failovers, the first one's 24 s without a
  // writable primary (09:29:50 until 6 s before n2's first report) and the degraded period.
  const pairReport = await reports.pair(pairId, {
    from: "2026-11-29T09:00:00.000Z",
    to: now.toISOString(),
    format: "json",
  });
  expect([
    pairReport.summary.failovers,
    pairReport.summary.degradedPeriods,
    pairReport.summary.outages,
    pairReport.summary.uptimeRatio,
  ]).toEqual([
    2,
    [{ from: "2026-11-29T09:40:00.000Z", to: "2026-11-29T09:45:00.000Z" }],
    [{ from: "2026-11-29T09:29:50.000Z", to: "2026-11-29T09:30:14.000Z", downSeconds: 24 }, silence],
    1 - (24 + 896) / (3 * 3600 - 6),
  ]);
});

it("reads 30 days from hourly roll-ups by the same rule, and spares a database created after a failover", async () => {
  const now = new Date("2026-11-29T12:00:00.000Z");
  const { pairId, node, failover, database } = await historyPair(store, "rolled", "2026-10-01T00:00:00Z");
  // Ten days ago: n1 primary 08:00–08:59:58, a failover to n2 at 09:01 (n2 writable to 10:59:58), the
  // database created at 10:00 and busy for that hour; then silence until n2 reports again today from 10:00.
  await writableReports(store, node("n1"), "2026-11-19T08:00:00Z", "2026-11-19T08:59:58Z");
  await writableReports(store, node("n2"), "2026-11-19T09:01:00Z", "2026-11-19T10:59:58Z");
  await writableReports(store, node("n2"), "2026-11-29T10:00:00Z", "2026-11-29T11:59:58Z");
  await failover("n2", "2026-11-19T09:01:00Z");
  const databaseId = await database("ledger", "2026-11-19T10:00:00Z");
  await store.query(
    `INSERT INTO database_samples (node_id, database_name, sampled_at, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes)
     SELECT $1, 'ledger', '2026-11-19T10:00:00Z'::timestamptz + make_interval(mins => i), 1048576, 2, 60 * i, 0, 0, 0, 0, 0
       FROM generate_series(0, 59) AS i`,
    [node("n2")],
  );
  await applyRetention(store, { rawDays: 7, seenDays: 7, alertDays: 30 }, now);
  const { rows: rolled } = await store.query<{ bucket: Date; up_seconds: number }>(
    "SELECT r.bucket, sum(r.up_seconds)::float8 AS up_seconds FROM state_rollups r JOIN nodes n ON n.id = r.node_id WHERE n.pair_id = $1 GROUP BY 1 ORDER BY 1",
    [pairId],
  );
  // Each report vouches for the 2 s since the previous one; n2's first for 6 s (09:00:54–09:01:00),
  // and the one at 10:00:00 for the last 2 s of 09:00.
  expect(rolled.map((row) => [row.bucket.toISOString(), row.up_seconds])).toEqual([
    ["2026-11-19T08:00:00.000Z", 3598],
    ["2026-11-19T09:00:00.000Z", 3546],
    ["2026-11-19T10:00:00.000Z", 3598],
  ]);
  const reports = reportsAt(now);
  const month = { from: "2026-10-30T12:00:00.000Z", to: now.toISOString(), format: "json" } as const;
  const report = await reports.database(admin, databaseId, month);
  // Down: the last 2 s of 10:00 and everything from 11:00 until 6 s before n2's report at 10:00 today.
  const silentSeconds = (Date.parse("2026-11-29T09:59:54Z") - Date.parse("2026-11-19T11:00:00Z")) / 1000;
  expect({
    from: report.from,
    bucketSeconds: report.bucketSeconds,
    points: report.points.map((point) => [point.at, point.sizeBytes, point.commitsPerSecond]),
    failovers: report.summary.failovers,
    outages: report.summary.outages,
    uptimeRatio: report.summary.uptimeRatio,
  }).toEqual({
    from: "2026-11-19T10:00:00.000Z",
    bucketSeconds: 7200,
    points: [
      ["2026-11-19T10:00:00.000Z", 1_048_576, 1],
      ["2026-11-29T10:00:00.000Z", null, null],
    ],
    failovers: 0,
    outages: [
      { from: "2026-11-19T10:00:00.000Z", to: "2026-11-29T09:59:54.000Z", downSeconds: 2 + silentSeconds },
    ],
    uptimeRatio:
      1 -
      (2 + silentSeconds) /
        ((Date.parse("2026-11-29T11:59:54Z") - Date.parse("2026-11-19T10:00:00Z")) / 1000),
  });
  // The pair over the same 30 days: the failover, and its 54 s without a writable primary in the 09:00 hour.
  const pairReport = await reports.pair(pairId, month);
  const beforeHistory = (Date.parse("2026-11-19T08:00:00Z") - Date.parse(month.from)) / 1000;
  expect([pairReport.summary.failovers, pairReport.summary.outages]).toEqual([
    1,
    [
      {
        from: month.from,
        to: "2026-11-29T09:59:54.000Z",
        downSeconds: beforeHistory + 2 + 54 + 2 + silentSeconds,
      },
    ],
  ]);
});

it("connects with a password given apart from the URL (PGAAS_DATABASE_PASSWORD_FILE)", async () => {
  const url = new URL(server.url);
  url.password = "";
  const separate = openStore(url.toString(), { max: 1, password: server.password });
  try {
    const { rows } = await separate.query<{ who: string }>("SELECT current_user AS who");
    expect(rows).toEqual([{ who: "postgres" }]);
  } finally {
    await separate.close();
  }
});
