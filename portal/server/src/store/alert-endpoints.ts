// alert_endpoints: webhook receivers with their sealed signing secret (and the previous one during a
// rotation's overlap).
import type { AlertEndpoint, AlertKind } from "@pgaas/api";
import type { Queryable } from "./db.js";

interface EndpointRow {
  id: string;
  url: string;
  kinds: AlertKind[];
  pair_id: string | null;
  previous_secret_until: Date | null;
  created_at: Date;
}

const ENDPOINT_COLUMNS = "id, url, kinds, pair_id, previous_secret_until, created_at";

const toEndpoint = (row: EndpointRow): AlertEndpoint => ({
  id: row.id,
  url: row.url,
  kinds: row.kinds,
  pairId: row.pair_id,
  previousSecretValidUntil: row.previous_secret_until?.toISOString() ?? null,
  createdAt: row.created_at.toISOString(),
});

export async function listAlertEndpoints(db: Queryable): Promise<AlertEndpoint[]> {
  const { rows } = await db.query<EndpointRow>(
    `SELECT ${ENDPOINT_COLUMNS} FROM alert_endpoints ORDER BY created_at, id`,
  );
  return rows.map(toEndpoint);
}

export interface NewAlertEndpoint {
  readonly id: string;
  readonly url: string;
  readonly kinds: readonly AlertKind[];
  readonly pairId: string | null;
  readonly secretSealed: Buffer;
  readonly createdBy: string;
}

export async function insertAlertEndpoint(db: Queryable, endpoint: NewAlertEndpoint): Promise<AlertEndpoint> {
  const { rows } = await db.query<EndpointRow>(
    `INSERT INTO alert_endpoints (id, url, kinds, pair_id, secret_sealed, created_by)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
    [endpoint.id, endpoint.url, endpoint.kinds, endpoint.pairId, endpoint.secretSealed, endpoint.createdBy],
  );
  return toEndpoint(rows[0] as EndpointRow);
}

/** Answers whether there was such an endpoint. */
export async function deleteAlertEndpoint(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM alert_endpoints WHERE id = $1", [id]);
  return rowCount !== 0;
}

/**
 * A new secret; the current one becomes the previous one until `until` when that is after `now`,
 * else it is dropped at once. Undefined when there is no such endpoint.
 */
export async function replaceAlertSecret(
  db: Queryable,
  id: string,
  secretSealed: Buffer,
  until: Date,
  now: Date,
): Promise<AlertEndpoint | undefined> {
  const { rows } = await db.query<EndpointRow>(
    `UPDATE alert_endpoints
        SET previous_secret_sealed = CASE WHEN $3 > $4 THEN secret_sealed END,
            previous_secret_until = CASE WHEN $3 > $4 THEN $3::timestamptz END,
            secret_sealed = $2
      WHERE id = $1 RETURNING ${ENDPOINT_COLUMNS}`,
    [id, secretSealed, until, now],
  );
  return rows[0] && toEndpoint(rows[0]);
}
