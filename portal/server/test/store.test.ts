// Migrations on a real store: applied once, a second run changes nothing; retention rolls up and prunes,
// and reports read roll-ups and raw samples alike.

import { randomBytes } from "node:crypto";
import { memoryLogger } from "@pgaas/common";
import { startThrowawayPostgres, type ThrowawayPostgres } from "@pgaas/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createSecretBox } from "../src/crypto/cipher.js";
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
  expect(runs.map((applied) => applied.length).sort()).toEqual([0, 1]);
  expect(await migrate(store, MIGRATIONS)).toEqual([]);
  const { rows } = await store.query("SELECT version, name FROM schema_migrations");
  expect(rows).toEqual([{ version: 1, name: "initial schema" }]);
});

it("rolls raw samples older than the window into hourly rows and deletes them", async () => {
  const { rows: pairRows } = await store.query<{ id: string }>(
    "INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed) VALUES ('p', 'h', 5432, 'a', '\\x00') RETURNING id",
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
  await applyRetention(store, { rawDays: 7, seenDays: 7 }, now);
  const { rows: left } = await store.query("SELECT count(*)::int AS n FROM state_samples");
  const { rows: rollups } = await store.query(
    "SELECT samples, writable_samples, degraded_samples, max_lag_bytes FROM state_rollups",
  );
  expect(left).toEqual([{ n: 1 }]);
  expect(rollups).toEqual([{ samples: 2, writable_samples: 1, degraded_samples: 1, max_lag_bytes: 5 }]);
  // A pair report over nine days reads the roll-up (old) and the raw sample (recent) alike.
  const pairs = createPairs(store, createSecretBox(randomBytes(32)), () => now);
  const reports = createReports(store, pairs, createDatabases(store, pairs, memoryLogger("store-test")));
  const report = await reports.pair(pairRows[0]?.id as string, {
    from: new Date(now.getTime() - 9 * 86_400_000).toISOString(),
    to: now.toISOString(),
    format: "json",
  });
  expect([report.points.map((point) => point.lagBytes), report.summary.uptimeRatio]).toEqual([[5, 7], 0.5]);
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
