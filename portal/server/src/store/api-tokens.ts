// api_tokens: a user's named API tokens (only a hash and a display prefix are kept).
import type { ApiToken, UserRole } from "@pgaas/api";
import type { Queryable } from "./db.js";

interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  created_at: Date;
  expires_at: Date | null;
  last_used_at: Date | null;
}

const toToken = (row: TokenRow): ApiToken => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: row.created_at.toISOString(),
  expiresAt: row.expires_at?.toISOString() ?? null,
  lastUsedAt: row.last_used_at?.toISOString() ?? null,
});

export async function listApiTokens(db: Queryable, userId: string): Promise<ApiToken[]> {
  const { rows } = await db.query<TokenRow>(
    "SELECT * FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id",
    [userId],
  );
  return rows.map(toToken);
}

export interface NewApiToken {
  readonly userId: string;
  readonly name: string;
  readonly prefix: string;
  readonly tokenHash: Buffer;
  readonly expiresAt: string | null;
}

export async function insertApiToken(db: Queryable, token: NewApiToken): Promise<ApiToken> {
  const { rows } = await db.query<TokenRow>(
    `INSERT INTO api_tokens (user_id, name, prefix, token_hash, expires_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [token.userId, token.name, token.prefix, token.tokenHash, token.expiresAt],
  );
  return toToken(rows[0] as TokenRow);
}

/** Answers whether the user had this token. */
export async function deleteApiToken(db: Queryable, userId: string, tokenId: string): Promise<boolean> {
  const { rowCount } = await db.query("DELETE FROM api_tokens WHERE id = $1 AND user_id = $2", [
    tokenId,
    userId,
  ]);
  return rowCount === 1;
}

export interface TokenUser {
  readonly id: string;
  readonly email: string;
  readonly role: UserRole;
  readonly tokenName: string;
}

/** The enabled user of an unexpired token, marking the token used. */
export async function userByApiToken(db: Queryable, tokenHash: Buffer): Promise<TokenUser | undefined> {
  const { rows } = await db.query<{ id: string; email: string; role: UserRole; token_name: string }>(
    `UPDATE api_tokens t SET last_used_at = now() FROM users u
      WHERE t.token_hash = $1 AND u.id = t.user_id AND NOT u.disabled
        AND (t.expires_at IS NULL OR t.expires_at > now())
      RETURNING u.*, t.name AS token_name`,
    [tokenHash],
  );
  const row = rows[0];
  return row && { id: row.id, email: row.email, role: row.role, tokenName: row.token_name };
}
