// The databases slice's calls: list, one, create, settings, delete, restore, owner password reset,
// its grants, its metrics, its query insights and its slow queries.
import {
  type CreateDatabaseRequest,
  createDatabase,
  databaseConnection,
  databaseReport,
  deleteDatabase,
  getDatabase,
  getPair,
  listAccessRequests,
  listDatabases,
  listPairs,
  pairReport,
  parameterCatalog,
  type QueryInsightsOrder,
  queryInsights,
  type RestoreDatabaseRequest,
  resetOwnerPassword,
  restoreDatabase,
  slowQueries,
  type UpdateDatabaseRequest,
  updateDatabase,
} from "@pgaas/api";
import { rangeBounds } from "../../components/RangePicker.js";
import { callRoute } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export function useDatabases(includeDeleted: boolean) {
  return useQuery(`databases:${includeDeleted}`, (signal) =>
    callRoute(listDatabases, { query: { includeDeleted: includeDeleted ? "true" : undefined }, signal }),
  );
}

export function usePairChoices() {
  return useQuery("pair-choices", (signal) => callRoute(listPairs, { signal }));
}

/**
 * The database, its pair, the parameter catalogue and the viewer's own connection (null for a deleted
 * database: there is nothing to connect to), loaded together.
 */
export function useDatabaseDetail(id: string) {
  return useQuery(`database:${id}`, async (signal) => {
    const [{ database }, catalog] = await Promise.all([
      callRoute(getDatabase, { params: { id }, signal }),
      callRoute(parameterCatalog, { signal }),
    ]);
    const [{ pair }, connection] = await Promise.all([
      callRoute(getPair, { params: { id: database.pairId }, signal }),
      database.state === "active"
        ? callRoute(databaseConnection, { params: { id }, signal }).then((reply) => reply.connection)
        : null,
    ]);
    return { database, pair, catalog, connection };
  });
}

export function useQueryInsights(id: string, orderBy: QueryInsightsOrder) {
  return useQuery(`insights:${id}:${orderBy}`, (signal) =>
    callRoute(queryInsights, { params: { id }, query: { orderBy, limit: 20 }, signal }),
  );
}

/** The last day's slow statements (the server's default range), newest first. */
export function useSlowQueries(id: string) {
  return useQuery(`slow-queries:${id}`, (signal) =>
    callRoute(slowQueries, { params: { id }, query: { limit: 50 }, signal }),
  );
}

export function useDatabaseGrants(id: string) {
  return useQuery(`grants:${id}`, (signal) =>
    callRoute(listAccessRequests, { query: { databaseId: id }, signal }),
  );
}

/** The database report for usage charts and the pair report for replication lag, same range. */
export function useDatabaseMetrics(id: string, pairId: string, hours: number) {
  return useQuery(
    `metrics:${id}:${hours}`,
    async (signal) => {
      const query = rangeBounds(hours);
      const [database, pair] = await Promise.all([
        callRoute(databaseReport, { params: { id }, query, signal }),
        callRoute(pairReport, { params: { id: pairId }, query, signal }),
      ]);
      return { database, pair };
    },
    { refreshMs: 15_000 },
  );
}

export function create(request: CreateDatabaseRequest) {
  return callRoute(createDatabase, { body: request });
}

export function update(id: string, request: UpdateDatabaseRequest) {
  return callRoute(updateDatabase, { params: { id }, body: request });
}

export function remove(id: string, name: string) {
  return callRoute(deleteDatabase, { params: { id }, body: { confirm: name } });
}

/** overlapMinutes 0 resets the current login; more rotates to the owner's other login. */
export function changeOwnerPassword(id: string, overlapMinutes: number) {
  return callRoute(resetOwnerPassword, { params: { id }, body: { overlapMinutes } });
}

export function restore(id: string, request: RestoreDatabaseRequest) {
  return callRoute(restoreDatabase, { params: { id }, body: request });
}
