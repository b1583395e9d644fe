// Repository for owner_logins: which login a database's owner currently uses (the owner role itself or
// its second slot) and the previous one a rotation keeps alive until its overlap ends.
import type { Queryable } from "./db.js";

export interface OwnerLogins {
  /** The login whose password the owner holds now. */
  readonly current: string;
  /** The login that works until `previousValidUntil` (a rotation's overlap), if any. */
  readonly previous: string | null;
  readonly previousValidUntil: Date | null;
}

interface OwnerLoginRow {
  login_name: string;
  previous_login_name: string | null;
  previous_valid_until: Date | null;
}

/** A database never rotated logs in as its owner role. */
export async function ownerLogins(db: Queryable, databaseId: string, owner: string): Promise<OwnerLogins> {
  const { rows } = await db.query<OwnerLoginRow>(
    "SELECT login_name, previous_login_name, previous_valid_until FROM owner_logins WHERE database_id = $1",
    [databaseId],
  );
  const found = rows[0];
  if (found === undefined) return { current: owner, previous: null, previousValidUntil: null };
  return {
    current: found.login_name,
    previous: found.previous_login_name,
    previousValidUntil: found.previous_valid_until,
  };
}

/**
 * Records a rotation from `from` (the login read before) to `logins.current`. False when another
 * rotation of the same database got there first (the first one inserts; later ones update only the
 * row they read): the caller must not go on as if it had won.
 */
export async function recordOwnerLogins(
  db: Queryable,
  databaseId: string,
  from: string,
  logins: OwnerLogins,
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO owner_logins AS o (database_id, login_name, previous_login_name, previous_valid_until)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (database_id) DO UPDATE
        SET login_name = EXCLUDED.login_name, previous_login_name = EXCLUDED.previous_login_name,
            previous_valid_until = EXCLUDED.previous_valid_until
      WHERE o.login_name = $5`,
    [databaseId, logins.current, logins.previous, logins.previousValidUntil, from],
  );
  return rowCount === 1;
}
