// Bearer tokens (sessions, API tokens, agent tokens): 32 random bytes, a kind prefix so a leaked
// token is recognisable, stored only as sha256 (high entropy makes a slow hash unnecessary and keeps
// lookups for hundreds of reports per second cheap).
import { createHash, randomBytes } from "node:crypto";
import { Secret } from "@pgaas/common";

export type TokenKind = "sess" | "api" | "agent";

export function newToken(kind: TokenKind): Secret {
  return new Secret(`pgaas_${kind}_${randomBytes(32).toString("base64url")}`);
}

export function tokenHash(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export function tokenKind(token: string): TokenKind | undefined {
  const match = /^pgaas_(sess|api|agent)_[A-Za-z0-9_-]{43}$/.exec(token);
  return match?.[1] as TokenKind | undefined;
}

/** A database password: 24 random bytes, URL-safe, no characters that need quoting in a URI. */
export function newPassword(): Secret {
  return new Secret(randomBytes(24).toString("base64url"));
}
