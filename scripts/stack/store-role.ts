// The control plane's own role on its store: it owns the store database and nothing else, and is no
// superuser (no CREATEDB, no CREATEROLE). A bug or an injection in the control plane then reaches its
// own tables, not the server, other databases or a shell through COPY … PROGRAM.
import { type Secret, sqlIdent, sqlLiteral } from "@pgaas/common";
import pg from "pg";
import { scramVerifier } from "../../portal/server/src/crypto/scram.js";

export const PORTAL_STORE_ROLE = "pgaas_portal";

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates (or re-keys) the role, creates the store database owned by it (or hands an existing one
 * over, with the tables an older stack created as the superuser), and closes the server's other
 * databases to PUBLIC. `superuserUrl` names a database other than `database`. Idempotent.
 */
export async function ensurePortalStoreRole(
  superuserUrl: string,
  database: string,
  password: Secret,
): Promise<void> {
  const role = sqlIdent(PORTAL_STORE_ROLE);
  const db = sqlIdent(database);
  await withClient(superuserUrl, async (client) => {
    const { rowCount: roles } = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [
      PORTAL_STORE_ROLE,
    ]);
    // A SCRAM verifier, never the password itself, travels in the statement (server logs).
    await client.query(
      `${roles === 0 ? "CREATE" : "ALTER"} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${sqlLiteral(scramVerifier(password))}`,
    );
    const { rowCount: databases } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [
      database,
    ]);
    await client.query(
      databases === 0 ? `CREATE DATABASE ${db} OWNER ${role}` : `ALTER DATABASE ${db} OWNER TO ${role}`,
    );
    await client.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
    await client.query("REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC");
  });
  const storeUrl = new URL(superuserUrl);
  storeUrl.pathname = `/${encodeURIComponent(database)}`;
  await withClient(storeUrl.toString(), async (client) => {
    const { rows } = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm')
          AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = $1)
        ORDER BY 2`,
      [PORTAL_STORE_ROLE],
    );
    // Owned sequences and indexes follow their table.
    for (const { schema, name } of rows)
      await client.query(`ALTER TABLE ${sqlIdent(schema)}.${sqlIdent(name)} OWNER TO ${role}`);
  });
}
