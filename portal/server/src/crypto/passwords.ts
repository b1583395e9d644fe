// User passwords: argon2id (memory-hard; login is rate-limited on top).
import type { Secret } from "@pgaas/common";
import argon2 from "argon2";

export function hashUserPassword(password: Secret): Promise<string> {
  return argon2.hash(password.reveal(), { type: argon2.argon2id });
}

export function verifyUserPassword(hash: string, password: Secret): Promise<boolean> {
  return argon2.verify(hash, password.reveal()).catch(() => false);
}

let decoy: Promise<string> | undefined;

/**
 * Spends the time of a real check when the account does not exist, so the answer's timing does not
 * tell which emails have accounts.
 */
export async function verifyNoUser(password: Secret): Promise<false> {
  decoy ??= argon2.hash("pgaas-no-such-user", { type: argon2.argon2id });
  await argon2.verify(await decoy, password.reveal()).catch(() => false);
  return false;
}
