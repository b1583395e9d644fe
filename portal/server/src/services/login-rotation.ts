// Rotation without a failed connection, for grants and database owners alike. PostgreSQL holds one
// password per role, so a credential has two login slots (`<base>` and `<base>_b`): a rotation makes
// the slot not in use with the new password, records it, then gives the old slot a VALID UNTIL at the
// overlap's end. Both log in meanwhile; afterwards PostgreSQL refuses the old one by itself.
import { ConflictError, type Logger } from "@pgaas/common";
import { PG_NAME_MAX_LENGTH } from "@pgaas/common/wire";
import { endAccessPlan, revokeAccessSql } from "../managed/access-sql.js";
import { setTenantValidUntilSql } from "../managed/database-sql.js";
import { onPrimary, type SqlClient } from "../managed/primary-router.js";
import type { PairAccess } from "./pairs.js";

/** The slot a rotation hands out: the one not in use (the second within PostgreSQL's 63 characters). */
export function rotatedRoleName(base: string, current: string): string {
  return current === base ? `${base.slice(0, PG_NAME_MAX_LENGTH - 2)}_b` : base;
}

/** When the previous login stops: after the overlap, never past the credential's own expiry. */
export function overlapEnd(now: Date, overlapMinutes: number, expiresAt: Date | null): Date {
  const end = new Date(now.getTime() + overlapMinutes * 60_000);
  return expiresAt !== null && expiresAt < end ? expiresAt : end;
}

/**
 * Takes what a login was granted in `database` back (objects it made pass to the database owner), then
 * ends its sessions and drops it. A role already gone is skipped: safe to retry.
 */
export async function removeLogins(
  pair: PairAccess,
  database: string,
  roles: readonly string[],
): Promise<void> {
  await onPrimary(pair, {
    database,
    idempotent: true,
    async run(client) {
      for (const role of roles) await client.query(revokeAccessSql(role));
    },
  });
  await onPrimary(pair, {
    database: "postgres",
    idempotent: true,
    async run(client) {
      for (const role of roles) for (const statement of endAccessPlan(role)) await client.query(statement);
    },
  });
}

export interface LoginRotation {
  readonly pair: PairAccess;
  readonly database: string;
  /** The login in use now: it keeps working until `until`. */
  readonly current: string;
  /** The slot to hand out (rotatedRoleName). */
  readonly next: string;
  /**
   * Whether `next` is a login an earlier rotation made (its overlap may still be open): it is dropped
   * first. A slot that is not ours is never dropped.
   */
  readonly dropNextFirst: boolean;
  /** Makes `next` log in with the new password (on `postgres`). */
  makeNext(client: SqlClient): Promise<unknown>;
  /** Gives `next` its privileges inside `database`, if it needs any. */
  grantNext?(client: SqlClient): Promise<unknown>;
  readonly until: Date;
  /** Stores the new slot; false when a concurrent rotation won. */
  record(): Promise<boolean>;
  readonly logger: Logger;
}

export async function rotateLogin(rotation: LoginRotation): Promise<void> {
  const { pair, database, next } = rotation;
  if (rotation.dropNextFirst) await removeLogins(pair, database, [next]);
  await onPrimary(pair, { database: "postgres", idempotent: false, run: rotation.makeNext });
  const grantNext = rotation.grantNext;
  if (grantNext !== undefined) {
    try {
      await onPrimary(pair, { database, idempotent: true, run: grantNext });
    } catch (error) {
      await removeLogins(pair, database, [next]).catch((undoError: unknown) => {
        rotation.logger.error("could not drop the role of a failed rotation; drop it by hand", {
          role: next,
          database,
          error: (undoError as Error).message,
        });
      });
      throw error;
    }
  }
  // Recorded before the old login is limited, so the new password is never lost.
  if (!(await rotation.record()))
    throw new ConflictError("the credential was rotated meanwhile", { code: "rotation_in_progress" });
  await onPrimary(pair, {
    database: "postgres",
    idempotent: true,
    run: (client) => client.query(setTenantValidUntilSql(rotation.current, rotation.until.toISOString())),
  });
}
