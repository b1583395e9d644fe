// Repository of pair_client_cas: each pair's client CA (key sealed) and its current CRL.
import type { Queryable } from "./db.js";

export interface ClientCaRow {
  pair_id: string;
  certificate: string;
  private_key_sealed: Buffer;
  crl_version: number;
  crl: string;
}

/** The pair's client CA; `forUpdate` serialises CRL changes (run it inside a transaction). */
export async function findClientCa(
  db: Queryable,
  pairId: string,
  forUpdate = false,
): Promise<ClientCaRow | undefined> {
  const { rows } = await db.query<ClientCaRow>(
    `SELECT pair_id, certificate, private_key_sealed, crl_version, crl FROM pair_client_cas WHERE pair_id = $1${forUpdate ? " FOR UPDATE" : ""}`,
    [pairId],
  );
  return rows[0];
}

/** Stores a new CA unless the pair has one already (a concurrent first issue); false then. */
export async function insertClientCa(db: Queryable, row: ClientCaRow): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO pair_client_cas (pair_id, certificate, private_key_sealed, crl_version, crl)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (pair_id) DO NOTHING`,
    [row.pair_id, row.certificate, row.private_key_sealed, row.crl_version, row.crl],
  );
  return rowCount === 1;
}

export async function updateCrl(db: Queryable, pairId: string, version: number, crl: string): Promise<void> {
  await db.query(
    "UPDATE pair_client_cas SET crl_version = $2, crl = $3, updated_at = now() WHERE pair_id = $1",
    [pairId, version, crl],
  );
}
