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
    "SELECT samples, writable_samples, degraded_samples, max_lag_bytes FROM state_rollups",
  );
  expect(left).toEqual([{ n: 1 }]);
  expect(rollups).toEqual([{ samples: 2, writable_samples: 1, degraded_samples: 1, max_lag_bytes: 5 }]);
  // A pair report over nine days reads the roll-up (old) and the raw sample (recent) alike.
  const pairs = createPairs(store, createSecretBox(randomBytes(32)), () => now);
  const reports = createReports(
    store,
    pairs,
    createDatabases(store, pairs, memoryLogger("store-test"), createBackups(store, pairs)),
    () => now,
  );
  const report = await reports.pair(pairRows[0]?.id as string, {
    from: new Date(now.getTime() - 9 * 86_400_000).toISOString(),
    to: now.toISOString(),
    format: "json",
  });
  // Up: the one roll-up hour with a writable report, out of nine days of minutes.
  expect([
    report.bucketSeconds,
    report.points.map((point) => point.lagBytes),
    report.summary.uptimeRatio,
  ]).toEqual([7200, [5, 7], 60 / (9 * 1440)]);
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

it("starts a database report at the database's creation and counts a silent outage as down", async () => {
  const now = new Date("2026-11-29T12:00:00.000Z");
  const at = (hhmm: string, seconds = 30) =>
    new Date(`2026-11-29T${hhmm}:${String(seconds).padStart(2, "0")}Z`);
  const { rows: pairRows } = await store.query<{ id: string }>(
    "INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed, created_at) VALUES ('history', 'h', 5432, 'a', '\\x00', '2026-11-20T00:00:00Z') RETURNING id",
  );
  const pairId = pairRows[0]?.id as string;
  const { rows: nodes } = await store.query<{ id: string; name: string }>(
    "INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash) VALUES ($1, 'n1', 'h', 5432, 9187, '\\x11'), ($1, 'n2', 'h', 5433, 9187, '\\x12') RETURNING id, name",
    [pairId],
  );
  const node = (name: string) => nodes.find((row) => row.name === name)?.id as string;
  const { rows: databaseRows } = await store.query<{ id: string }>(
    "INSERT INTO databases (pair_id, name, owner, state, created_at) VALUES ($1, 'shop', 'shop_owner', 'active', '2026-11-29T10:00:00Z') RETURNING id",
    [pairId],
  );
  // Known history: n1 primary 09:00–10:59 (degraded 09:40–09:44, a failover at 09:30), silence
  // 11:00–11:14, a failover at 11:15 and n2 primary 11:15–11:59. The database appears at 10:00.
  const minutes = (fromMinute: number, toMinute: number) =>
    Array.from({ length: toMinute - fromMinute + 1 }, (_, index) => fromMinute + index);
  const hhmm = (minute: number) =>
    `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}`;
  const primarySample = async (name: string, minute: number, syncState: string) =>
    store.query(
      "INSERT INTO state_samples (node_id, sampled_at, role, writable, fenced, sync_state, lag_bytes, lag_seconds) VALUES ($1, $2, 'primary', true, false, $3, null, null)",
      [node(name), at(hhmm(minute)), syncState],
    );
  for (const minute of minutes(9 * 60, 10 * 60 + 59))
    await primarySample("n1", minute, minute >= 9 * 60 + 40 && minute <= 9 * 60 + 44 ? "degraded" : "sync");
  for (const minute of minutes(11 * 60 + 15, 11 * 60 + 59)) await primarySample("n2", minute, "sync");
  await store.query(
    "INSERT INTO pair_events (pair_id, node_name, type, message, occurred_at) VALUES ($1, 'n1', 'failover', 'x', '2026-11-29T09:30:00Z'), ($1, 'n2', 'failover', 'y', '2026-11-29T11:15:00Z')",
    [pairId],
  );
  // An older database of the same name left a sample at 09:50; the new one counts 60 commits a minute.
  for (const [sampledAt, size, commits] of [
    [at("09:50"), 999, 5000],
    [at("10:00"), 8192, 0],
    [at("10:01"), 16_384, 60],
    [at("10:02"), 16_384, 120],
  ] as const) {
    await store.query(
      "INSERT INTO database_samples (node_id, database_name, sampled_at, size_bytes, connections, xact_commit, xact_rollback, blks_read, blks_hit, deadlocks, temp_bytes) VALUES ($1, 'shop', $2, $3, 1, $4, 0, 0, 0, 0, 0)",
      [node("n1"), sampledAt, size, commits],
    );
  }
  const pairs = createPairs(store, createSecretBox(randomBytes(32)), () => now);
  const reports = createReports(
    store,
    pairs,
    createDatabases(store, pairs, memoryLogger("store-test"), createBackups(store, pairs)),
    () => now,
  );
  const admin = {
    kind: "user",
    id: "00000000-0000-4000-8000-000000000001",
    email: "a@example.com",
    role: "admin",
    via: { kind: "session" },
  } as const;
  const report = await reports.database(admin, databaseRows[0]?.id as string, {
    from: "2026-11-29T06:00:00.000Z",
    to: now.toISOString(),
    format: "json",
  });
  const withSize = report.points.filter((point) => point.sizeBytes !== null);
  expect({
    from: report.from,
    bucketSeconds: report.bucketSeconds,
    points: report.points.length,
    firstPoint: report.points[0]?.at,
    sizes: withSize.map((point) => [point.at, point.sizeBytes, point.commitsPerSecond]),
    uptimeRatio: report.summary.uptimeRatio,
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
    // 105 of the 120 minutes since creation had a writable primary; the 15 silent ones count as down.
    uptimeRatio: 105 / 120,
    failovers: 1,
    degradedPeriods: [],
    sizeGrowthBytes: 8192,
  });
  // The pair, registered long before, is charged with both failovers and the degraded period.
  const pairReport = await reports.pair(pairId, {
    from: "2026-11-29T09:00:00.000Z",
    to: now.toISOString(),
    format: "json",
  });
  expect([
    pairReport.summary.failovers,
    pairReport.summary.degradedPeriods,
    pairReport.summary.uptimeRatio,
  ]).toEqual([2, [{ from: "2026-11-29T09:40:30.000Z", to: "2026-11-29T09:45:30.000Z" }], 165 / 180]);
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
