// pairs: the registry's pair records (endpoint, witness, sealed admin password, CA, settings).
import type { ParameterMap, WitnessSpec } from "@pgaas/api";
import type { ParameterValue } from "@pgaas/common/wire";
import type { Queryable } from "./db.js";

export interface PairRow {
  id: string;
  name: string;
  endpoint_host: string;
  endpoint_port: number;
  witness: WitnessSpec | null;
  admin_username: string;
  admin_password_sealed: Buffer;
  ca_certificate: string | null;
  settings: ParameterMap;
  created_at: Date;
  updated_at: Date;
}

/** The pair, optionally locked until the transaction ends. */
export async function findPair(db: Queryable, id: string, lock = false): Promise<PairRow | undefined> {
  const { rows } = await db.query<PairRow>(`SELECT * FROM pairs WHERE id = $1${lock ? " FOR UPDATE" : ""}`, [
    id,
  ]);
  return rows[0];
}

/** Locks the pair until the transaction ends: one backup or check request at a time per pair. */
export async function lockPair(db: Queryable, id: string): Promise<void> {
  await db.query("SELECT 1 FROM pairs WHERE id = $1 FOR UPDATE", [id]);
}

export async function pairExists(db: Queryable, id: string): Promise<boolean> {
  const { rowCount } = await db.query("SELECT 1 FROM pairs WHERE id = $1", [id]);
  return rowCount !== 0;
}

export async function listPairs(db: Queryable): Promise<PairRow[]> {
  const { rows } = await db.query<PairRow>("SELECT * FROM pairs ORDER BY name");
  return rows;
}

export interface NewPair {
  readonly name: string;
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly witness: WitnessSpec | null;
  readonly adminUsername: string;
  readonly settings: ParameterMap;
  readonly caCertificate: string | null;
}

/** Inserts the pair with an empty sealed password: the seal's context is the new id (setAdminPassword). */
export async function insertPair(db: Queryable, pair: NewPair): Promise<PairRow> {
  const { rows } = await db.query<PairRow>(
    `INSERT INTO pairs (name, endpoint_host, endpoint_port, witness, admin_username, admin_password_sealed, settings, ca_certificate)
     VALUES ($1, $2, $3, $4, $5, '\\x', $6, $7) RETURNING *`,
    [
      pair.name,
      pair.endpointHost,
      pair.endpointPort,
      pair.witness === null ? null : JSON.stringify(pair.witness),
      pair.adminUsername,
      JSON.stringify(pair.settings),
      pair.caCertificate,
    ],
  );
  return rows[0] as PairRow;
}

export async function setAdminPassword(db: Queryable, id: string, sealed: Buffer): Promise<void> {
  await db.query("UPDATE pairs SET admin_password_sealed = $2 WHERE id = $1", [id, sealed]);
}

export interface PairChange {
  readonly endpointHost: string;
  readonly endpointPort: number;
  readonly witness: WitnessSpec | null;
  /** null: unchanged. */
  readonly adminUsername: string | null;
  readonly adminPasswordSealed: Buffer | null;
  readonly caCertificate: string | null;
}

export async function updatePair(db: Queryable, id: string, change: PairChange): Promise<void> {
  await db.query(
    `UPDATE pairs SET endpoint_host = $2, endpoint_port = $3, witness = $4,
            admin_username = coalesce($5, admin_username),
            admin_password_sealed = coalesce($6, admin_password_sealed),
            ca_certificate = coalesce($7, ca_certificate), updated_at = now()
      WHERE id = $1`,
    [
      id,
      change.endpointHost,
      change.endpointPort,
      change.witness === null ? null : JSON.stringify(change.witness),
      change.adminUsername,
      change.adminPasswordSealed,
      change.caCertificate,
    ],
  );
}

export async function deletePair(db: Queryable, id: string): Promise<void> {
  await db.query("DELETE FROM pairs WHERE id = $1", [id]);
}

/** Merges parameters into the pair's recorded settings; answers the merged settings. */
export async function mergePairSettings(
  db: Queryable,
  id: string,
  settings: Readonly<Record<string, ParameterValue>>,
): Promise<Record<string, ParameterValue>> {
  const { rows } = await db.query<{ settings: Record<string, ParameterValue> }>(
    "UPDATE pairs SET settings = settings || $2::jsonb, updated_at = now() WHERE id = $1 RETURNING settings",
    [id, JSON.stringify(settings)],
  );
  return rows[0]?.settings ?? {};
}
