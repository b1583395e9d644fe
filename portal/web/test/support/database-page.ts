// What a database page loads, answered: the database, the catalogue, its pair, the viewer's own
// connection, the hour's reports, its grants, its query insights and its slow queries. Tests add the writes they exercise.
import type { Database, DatabaseConnection, Pair } from "@pgaas/api";
import { type FakeApi, fakeApi, ok } from "./fake-api.js";
import { catalog, emptyReport, IDS, NO_SLOW_QUERIES, NO_STATEMENTS } from "./fixtures.js";

export const DATABASE_PATH = `/v1/databases/${IDS.database}`;
/** The page's default range (the last hour) with the frozen clock. */
export const RANGE = "from=2026-11-29T21%3A00%3A00.000Z&to=2026-11-29T22%3A00%3A00.000Z";

export function databasePageApi(shown: {
  database: Database;
  pair: Pair;
  connection: DatabaseConnection;
}): FakeApi {
  return fakeApi()
    .on("GET", DATABASE_PATH, ok({ database: shown.database }))
    .on("GET", "/v1/settings/parameters", ok(catalog()))
    .on("GET", `/v1/pairs/${IDS.pair}`, ok({ pair: shown.pair }))
    .on("GET", `${DATABASE_PATH}/connection`, ok({ connection: shown.connection }))
    .on(
      "GET",
      `/v1/reports/databases/${IDS.database}?${RANGE}`,
      ok(
        emptyReport(
          "database",
          IDS.database,
          "orders",
          "2026-11-29T21:00:00.000Z",
          "2026-11-29T22:00:00.000Z",
        ),
      ),
    )
    .on(
      "GET",
      `/v1/reports/pairs/${IDS.pair}?${RANGE}`,
      ok(emptyReport("pair", IDS.pair, "shop-eu", "2026-11-29T21:00:00.000Z", "2026-11-29T22:00:00.000Z")),
    )
    .on("GET", `/v1/access-requests?databaseId=${IDS.database}`, ok({ accessRequests: [] }))
    .on("GET", `${DATABASE_PATH}/insights?orderBy=total_time&limit=20`, ok(NO_STATEMENTS))
    .on("GET", `${DATABASE_PATH}/slow-queries?limit=50`, ok(NO_SLOW_QUERIES));
}
