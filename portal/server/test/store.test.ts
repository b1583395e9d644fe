// Migrations on a real store: applied once, a second run changes nothing; retention rolls up and prunes.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startThrowawayPostgres, type ThrowawayPostgres } from "../../../test/support/throwaway-postgres.js";
import { applyRetention } from "../src/services/retention.js";
import { openStore, type Store } from "../src/store/db.js";
import { migrate } from "../src/store/migrate.js";
import { MIGRATIONS } from "../src/store/migrations.js";

let server: ThrowawayPostgres;
let store: Store;

beforeAll(async () => {
  server = await startThrowawayPostgres("pgs-migrate");
  store = openStore(server.url, 4);
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
  const { rows: pairs } = await store.query<{ id: string }>(
    "INSERT INTO pairs (name, endpoint_host, endpoint_port, admin_username, admin_password_sealed) VALUES ('p', 'h', 5432, 'a', '\\x00') RETURNING id",
  );
  const { rows: nodes } = await store.query<{ id: string }>(
    "INSERT INTO nodes (pair_id, name, address, port, agent_port, agent_token_hash) VALUES ($1, 'n1', 'h', 5432, 9187, '\\x01') RETURNING id",
    [pairs[0]?.id],
  );
  const nodeId = nodes[0]?.id;
  const now = new Date("2026-11-29T12:00:00.000Z");
  for (const [minutesAgo, degraded] of [
    [8 * 1440 + 10, false],
    [8 * 1440 + 5, true],
    [60, false],
  ] as const) {
    await store.query(
      "INSERT INTO state_samples (node_id, sampled_at, role, writable, fenced, sync_state, lag_bytes, lag_seconds) VALUES ($1, $2, 'primary', true, false, $3, 5, 0.1)",
      [nodeId, new Date(now.getTime() - minutesAgo * 60_000), degraded ? "degraded" : "sync"],
    );
  }
  await applyRetention(store, { rawDays: 7, seenDays: 7 }, now);
  const { rows: left } = await store.query("SELECT count(*)::int AS n FROM state_samples");
  const { rows: rollups } = await store.query(
    "SELECT samples, writable_samples, degraded_samples, max_lag_bytes FROM state_rollups",
  );
  expect(left).toEqual([{ n: 1 }]);
  expect(rollups).toEqual([{ samples: 2, writable_samples: 2, degraded_samples: 1, max_lag_bytes: 5 }]);
});
