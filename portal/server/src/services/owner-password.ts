// The owner's password: a reset (the old password stops at once, e.g. after a leak) or a rotation with
// overlap through the same two-slot mechanism as a grant's (login-rotation): the owner role itself and
// `<owner>_b`, a login that becomes the owner role at login. The new password is answered once.
import type { OwnerPasswordResponse } from "@pgaas/api";
import { ConflictError, type Logger } from "@pgaas/common";
import { scramVerifier } from "../crypto/scram.js";
import { newPassword } from "../crypto/tokens.js";
import {
  createOwnerLoginSql,
  setTenantPasswordSql,
  setTenantValidUntilSql,
} from "../managed/database-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import type { Store } from "../store/db.js";
import { ownerLogins, recordOwnerLogins } from "../store/owner-logins.js";
import type { UserActor } from "./actor.js";
import { credentialsReply, type Databases, pairEndpoint } from "./databases.js";
import { overlapEnd, rotatedRoleName, rotateLogin } from "./login-rotation.js";
import type { Pairs } from "./pairs.js";

export interface OwnerPasswords {
  /** overlapMinutes 0: a reset of the current login; more: a rotation to the other login slot. */
  change(actor: UserActor, id: string, request: { overlapMinutes: number }): Promise<OwnerPasswordResponse>;
}

/** PostgreSQL's duplicate_object: the slot's name is taken by a role this database does not own. */
const DUPLICATE_OBJECT = "42710";

export function createOwnerPasswords(
  store: Store,
  pairs: Pairs,
  databases: Databases,
  logger: Logger,
): OwnerPasswords {
  return {
    async change(actor, id, request) {
      const found = await databases.managed(actor, id);
      const pair = await pairs.access(found.pair_id);
      const endpoint = pairEndpoint(pair.pair);
      const logins = await ownerLogins(store, id, found.owner);
      const password = newPassword();
      const verifier = scramVerifier(password);

      if (request.overlapMinutes === 0) {
        const now = new Date();
        const open =
          logins.previous !== null && logins.previousValidUntil !== null && logins.previousValidUntil > now;
        // Setting the same verifier or end twice is harmless: safe to retry after a lost connection.
        await onPrimary(pair, {
          database: "postgres",
          idempotent: true,
          async run(client) {
            await client.query(setTenantPasswordSql(logins.current, verifier));
            // A leak may concern the other login too: an open overlap ends now.
            if (open && logins.previous !== null)
              await client.query(setTenantValidUntilSql(logins.previous, now.toISOString()));
          },
        });
        if (open) await recordOwnerLogins(store, id, logins.current, { ...logins, previousValidUntil: now });
        return {
          ...credentialsReply(endpoint, logins.current, password, found.name),
          previousUsername: null,
          previousValidUntil: null,
        };
      }

      const next = rotatedRoleName(found.owner, logins.current);
      const until = overlapEnd(new Date(), request.overlapMinutes, null);
      await rotateLogin({
        pair,
        database: found.name,
        current: logins.current,
        next,
        // Only the second slot is ever dropped, and only when an earlier rotation of this database
        // made it: the owner role holds the data.
        dropNextFirst: next !== found.owner && logins.previous === next,
        async makeNext(client) {
          if (next === found.owner) {
            await client.query(setTenantPasswordSql(next, verifier));
            // An earlier rotation's overlap ended the owner role's logins: they start again.
            return client.query(setTenantValidUntilSql(next, "infinity"));
          }
          try {
            return await client.query(createOwnerLoginSql(next, found.owner, verifier));
          } catch (error) {
            if ((error as { code?: string }).code !== DUPLICATE_OBJECT) throw error;
            throw new ConflictError(`a role named ${next} already exists on the server`, {
              code: "owner_login_taken",
              cause: error,
            });
          }
        },
        until,
        logger,
        record: () =>
          recordOwnerLogins(store, id, logins.current, {
            current: next,
            previous: logins.current,
            previousValidUntil: until,
          }),
      });
      return {
        ...credentialsReply(endpoint, next, password, found.name),
        previousUsername: logins.current,
        previousValidUntil: until.toISOString(),
      };
    },
  };
}
