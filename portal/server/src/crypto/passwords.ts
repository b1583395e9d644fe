// User passwords: argon2id (memory-hard; login is rate-limited on top).
import type { Secret } from "@pgaas/common";
import argon2 from "argon2";

export function hashUserPassword(password: Secret): Promise<string> {
  return argon2.hash(password.reveal(), { type: argon2.argon2id });
}

export function verifyUserPassword(hash: string, password: Secret): Promise<boolean> {
  return argon2.verify(hash, password.reveal()).catch(() => false);
}
