// Repository of client_certificates: what was issued for which grant or database owner (serial,
// fingerprint, expiry; never the key) and what was revoked.
import type { Queryable } from "./db.js";

export interface ClientCertificateRow {
  id: string;
  pair_id: string;
  database_id: string;
  /** null: the database owner's */
  access_request_id: string | null;
  role_name: string;
  method: "certificate" | "certificate+password";
  serial: string;
  fingerprint: string;
  not_after: Date;
  issued_at: Date;
  revoked_at: Date | null;
}

const COLUMNS =
  "id, pair_id, database_id, access_request_id, role_name, method, serial, fingerprint, not_after, issued_at, revoked_at";

export async function insertClientCertificate(
  db: Queryable,
  row: Omit<ClientCertificateRow, "id" | "issued_at" | "revoked_at"> & { issued_by: string },
): Promise<ClientCertificateRow> {
  const { rows } = await db.query<ClientCertificateRow>(
    `INSERT INTO client_certificates (pair_id, database_id, access_request_id, role_name, method, serial, fingerprint,
                                      not_after, issued_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [
      row.pair_id,
      row.database_id,
      row.access_request_id,
      row.role_name,
      row.method,
      row.serial,
      row.fingerprint,
      row.not_after,
      row.issued_by,
    ],
  );
  return rows[0] as ClientCertificateRow;
}

export async function findClientCertificate(
  db: Queryable,
  id: string,
): Promise<ClientCertificateRow | undefined> {
  const { rows } = await db.query<ClientCertificateRow>(
    `SELECT ${COLUMNS} FROM client_certificates WHERE id = $1`,
    [id],
  );
  return rows[0];
}

/** A grant's certificates, or (`owner`) those of a database's owner role; newest first. */
export async function listCertificates(
  db: Queryable,
  of: { readonly accessRequestId: string } | { readonly ownerOf: string },
): Promise<ClientCertificateRow[]> {
  const { rows } =
    "accessRequestId" in of
      ? await db.query<ClientCertificateRow>(
          `SELECT ${COLUMNS} FROM client_certificates WHERE access_request_id = $1 ORDER BY issued_at DESC, id`,
          [of.accessRequestId],
        )
      : await db.query<ClientCertificateRow>(
          `SELECT ${COLUMNS} FROM client_certificates WHERE database_id = $1 AND access_request_id IS NULL
            ORDER BY issued_at DESC, id`,
          [of.ownerOf],
        );
  return rows;
}

/**
 * Which unrevoked certificates to revoke: one by id; a grant's (all, or those of some roles); or
 * every one of a database (its owner's and its grants').
 */
export type RevokeScope =
  | { readonly id: string }
  | { readonly accessRequestId: string; readonly roles?: readonly string[] }
  | { readonly databaseId: string };

/** Marks the scope's unrevoked certificates revoked; how many changed (none: the CRL stays). */
export async function markRevoked(
  db: Queryable,
  scope: RevokeScope,
  revokedBy: string | null,
): Promise<number> {
  const grant = "accessRequestId" in scope ? scope : null;
  const { rowCount } = await db.query(
    `UPDATE client_certificates SET revoked_at = now(), revoked_by = $5
      WHERE revoked_at IS NULL
        AND ($1::uuid IS NULL OR access_request_id = $1) AND ($2::uuid IS NULL OR database_id = $2)
        AND ($3::text[] IS NULL OR role_name = ANY ($3)) AND ($4::uuid IS NULL OR id = $4)`,
    [
      grant?.accessRequestId ?? null,
      "databaseId" in scope ? scope.databaseId : null,
      grant?.roles ?? null,
      "id" in scope ? scope.id : null,
      revokedBy,
    ],
  );
  return rowCount ?? 0;
}

/** What the pair's CRL must list: revoked certificates that have not expired yet. */
export async function revokedSerials(
  db: Queryable,
  pairId: string,
): Promise<{ serial: string; revoked_at: Date }[]> {
  const { rows } = await db.query<{ serial: string; revoked_at: Date }>(
    `SELECT serial, revoked_at FROM client_certificates
      WHERE pair_id = $1 AND revoked_at IS NOT NULL AND not_after > now() ORDER BY revoked_at, serial`,
    [pairId],
  );
  return rows;
}
