// Client certificates for access grants and database owners. Each pair gets a client CA the first
// time one is issued (its key sealed in the store); a certificate names the role as CN, expires no
// later than the grant, and its private key goes to whoever asked, once, and is never kept. Revoking re-signs the
// pair's CRL with the next number; agents report the number their node uses and the report's
// acknowledgement carries a newer CA and CRL back (agent-ingest), so both nodes refuse a revoked
// certificate within a report interval or two.
import type { ClientCertificate, IssueClientCertificateRequest, IssuedClientCertificate } from "@pgaas/api";
import { ConflictError, conninfoValue, ForbiddenError, NotFoundError, shellQuote } from "@pgaas/common";
import type { ClientAuthBundle } from "@pgaas/common/wire";
import { type CertificateAuthority, generateCa, issueClientCertificate, signCrl } from "@pgaas/common/x509";
import type { SecretBox } from "../crypto/cipher.js";
import { setRoleAuthSql } from "../managed/access-sql.js";
import { onPrimary } from "../managed/primary-router.js";
import { type ClientCaRow, findClientCa, insertClientCa, updateCrl } from "../store/client-cas.js";
import {
  type ClientCertificateRow,
  findClientCertificate,
  insertClientCertificate,
  listCertificates,
  markRevoked,
  type RevokeScope,
  revokedSerials,
} from "../store/client-certificates.js";
import type { DatabaseRow } from "../store/databases.js";
import type { Queryable, Store } from "../store/db.js";
import type { UserActor } from "./actor.js";
import type { Pairs } from "./pairs.js";

/** What the certificate actions need to know of a grant the actor can see. */
export interface CertificateGrant {
  readonly id: string;
  readonly pairId: string;
  readonly databaseId: string;
  readonly databaseName: string;
  readonly requesterId: string;
  /** The database owner or an admin. */
  readonly actorMayDecide: boolean;
  /** approved, and not past its expiry */
  readonly live: boolean;
  readonly roleName: string | null;
  readonly expiresAt: Date | null;
}

export interface ClientCertificates {
  issue(
    actor: UserActor,
    grant: CertificateGrant,
    request: IssueClientCertificateRequest,
  ): Promise<IssuedClientCertificate>;
  list(grant: CertificateGrant): Promise<ClientCertificate[]>;
  /** For the owner role of a database the actor manages (owner or admin). */
  issueForOwner(
    actor: UserActor,
    databaseId: string,
    request: IssueClientCertificateRequest,
  ): Promise<IssuedClientCertificate>;
  listForOwner(actor: UserActor, databaseId: string): Promise<ClientCertificate[]>;
  revoke(actor: UserActor, id: string): Promise<ClientCertificate>;
  /** The grant's certificates (or those of some of its roles) stop working: grant revoke, rotation. */
  revokeForGrant(
    grant: { id: string; pairId: string },
    roles: readonly string[] | null,
    by: string | null,
  ): Promise<void>;
  /** Every certificate of a deleted database (owner and grants): a later role of the same name must not inherit them. */
  revokeForDatabase(database: { id: string; pairId: string }, by: string | null): Promise<void>;
  /** The pair's CA and CRL when a node reports another version (null: none yet); else nothing. */
  staleBundle(pairId: string, reported: number | null): Promise<ClientAuthBundle | undefined>;
}

const DAY_MS = 86_400_000;

const toClientCertificate = (row: ClientCertificateRow, now = new Date()): ClientCertificate => ({
  id: row.id,
  databaseId: row.database_id,
  accessRequestId: row.access_request_id,
  roleName: row.role_name,
  method: row.method,
  serial: row.serial,
  fingerprint: row.fingerprint,
  notAfter: row.not_after.toISOString(),
  issuedAt: row.issued_at.toISOString(),
  revokedAt: row.revoked_at?.toISOString() ?? null,
  state: row.revoked_at !== null ? "revoked" : row.not_after <= now ? "expired" : "active",
});

/**
 * The psql line handed out with a certificate, for files saved as ca.crt, client.crt and client.key.
 * Plain values stay unquoted so the line reads like the documentation's; anything else is quoted.
 */
export function certificatePsqlLine(
  endpoint: { host: string; port: number; caCertificate: string | null },
  role: string,
  database: string,
): string {
  const tls: [string, string][] =
    endpoint.caCertificate === null
      ? [["sslmode", "require"]]
      : [
          ["sslmode", "verify-full"],
          ["sslrootcert", "ca.crt"],
        ];
  const params: [string, string][] = [
    ["host", endpoint.host],
    ["port", String(endpoint.port)],
    ["dbname", database],
    ["user", role],
    ...tls,
    ["sslcert", "client.crt"],
    ["sslkey", "client.key"],
  ];
  const value = (text: string) => (/^[A-Za-z0-9_.:-]+$/.test(text) ? text : conninfoValue(text));
  return `psql ${shellQuote(params.map(([key, text]) => `${key}=${value(text)}`).join(" "))}`;
}

export function createClientCertificates(
  store: Store,
  box: SecretBox,
  pairs: Pairs,
  grantFor: (actor: UserActor, id: string) => Promise<CertificateGrant>,
  managedDatabase: (actor: UserActor, id: string) => Promise<DatabaseRow>,
): ClientCertificates {
  const sealContext = (pairId: string) => `client-ca:${pairId}`;
  const authority = (row: ClientCaRow): CertificateAuthority => ({
    certificate: row.certificate,
    privateKey: box.open(row.private_key_sealed, sealContext(row.pair_id)),
  });

  /** The pair's client CA, made (with an empty CRL, number 1) the first time it is needed. */
  const clientCa = async (pairId: string, pairName: string): Promise<ClientCaRow> => {
    const existing = await findClientCa(store, pairId);
    if (existing) return existing;
    const ca = generateCa(`pgaas ${pairName} client CA`);
    await insertClientCa(store, {
      pair_id: pairId,
      certificate: ca.certificate,
      private_key_sealed: box.seal(ca.privateKey, sealContext(pairId)),
      crl_version: 1,
      crl: signCrl(ca, 1, []),
    });
    // A concurrent first issue may have won: everyone uses the stored one.
    return (await findClientCa(store, pairId)) as ClientCaRow;
  };

  /** Re-signs the CRL with the next number; serialised per pair by the row lock. */
  const resign = async (db: Queryable, pairId: string, ca: ClientCaRow) => {
    const revoked = await revokedSerials(db, pairId);
    const version = ca.crl_version + 1;
    const crl = signCrl(
      authority(ca),
      version,
      revoked.map((row) => ({ serial: row.serial, revokedAt: row.revoked_at })),
    );
    await updateCrl(db, pairId, version, crl);
  };

  const revokeWhere = (pairId: string, scope: RevokeScope, by: string | null): Promise<void> =>
    store.transaction(async (db) => {
      const ca = await findClientCa(db, pairId, true);
      if (!ca) return;
      if ((await markRevoked(db, scope, by)) > 0) await resign(db, pairId, ca);
    });

  const issueFor = async (
    actor: UserActor,
    target: {
      pairId: string;
      databaseId: string;
      databaseName: string;
      accessRequestId: string | null;
      role: string;
      expiresAt: Date | null;
    },
    request: IssueClientCertificateRequest,
  ): Promise<IssuedClientCertificate> => {
    const pair = await pairs.access(target.pairId);
    const ca = authority(await clientCa(pair.pair.id, pair.pair.name));
    const now = new Date();
    let notAfter = new Date(now.getTime() + request.validDays * DAY_MS);
    if (target.expiresAt !== null && target.expiresAt < notAfter) notAfter = target.expiresAt;
    const issued = issueClientCertificate(ca, target.role, notAfter, now);
    // The role joins its certificate group before anyone holds the certificate: from then on its
    // logins from the client networks need one (pg_hba's static lines).
    await onPrimary(pair, {
      database: "postgres",
      idempotent: true,
      run: (client) => client.query(setRoleAuthSql(target.role, request.method)),
    });
    const row = await insertClientCertificate(store, {
      pair_id: target.pairId,
      database_id: target.databaseId,
      access_request_id: target.accessRequestId,
      role_name: target.role,
      method: request.method,
      serial: issued.serial,
      fingerprint: issued.fingerprint,
      not_after: issued.notAfter,
      issued_by: actor.id,
    });
    const endpoint = {
      host: pair.pair.endpoint_host,
      port: pair.pair.endpoint_port,
      caCertificate: pair.pair.ca_certificate,
    };
    return {
      clientCertificate: toClientCertificate(row, now),
      certificate: issued.certificate,
      privateKey: issued.privateKey.reveal(),
      caCertificate: endpoint.caCertificate,
      psql: certificatePsqlLine(endpoint, target.role, target.databaseName),
    };
  };

  return {
    async issue(actor, grant, request) {
      if (grant.requesterId !== actor.id)
        throw new ForbiddenError("only the requester receives a client certificate for the grant");
      if (!grant.live || grant.roleName === null)
        throw new ConflictError("the grant is not approved or has expired", { code: "invalid_state" });
      return issueFor(actor, { ...grant, accessRequestId: grant.id, role: grant.roleName }, request);
    },

    async issueForOwner(actor, databaseId, request) {
      const database = await managedDatabase(actor, databaseId);
      return issueFor(
        actor,
        {
          pairId: database.pair_id,
          databaseId: database.id,
          databaseName: database.name,
          accessRequestId: null,
          role: database.owner,
          expiresAt: null,
        },
        request,
      );
    },

    async listForOwner(actor, databaseId) {
      await managedDatabase(actor, databaseId);
      return (await listCertificates(store, { ownerOf: databaseId })).map((row) => toClientCertificate(row));
    },

    async list(grant) {
      return (await listCertificates(store, { accessRequestId: grant.id })).map((row) =>
        toClientCertificate(row),
      );
    },

    async revoke(actor, id) {
      const found = await findClientCertificate(store, id);
      if (!found) throw new NotFoundError("client certificate not found", { code: "certificate_not_found" });
      // Who may: for a grant's certificate its requester, the database owner or an admin; for the
      // owner role's, the owner or an admin. Someone who cannot see it learns nothing (404).
      try {
        if (found.access_request_id !== null) {
          const grant = await grantFor(actor, found.access_request_id);
          if (grant.requesterId !== actor.id && !grant.actorMayDecide)
            throw new ForbiddenError("only the requester, the database owner or an admin may revoke");
        } else {
          await managedDatabase(actor, found.database_id);
        }
      } catch (error) {
        if (error instanceof NotFoundError)
          throw new NotFoundError("client certificate not found", { code: "certificate_not_found" });
        throw error;
      }
      await revokeWhere(found.pair_id, { id }, actor.id);
      return toClientCertificate((await findClientCertificate(store, id)) as ClientCertificateRow);
    },

    async revokeForGrant(grant, roles, by) {
      await revokeWhere(
        grant.pairId,
        { accessRequestId: grant.id, ...(roles !== null ? { roles } : {}) },
        by,
      );
    },

    async revokeForDatabase(database, by) {
      await revokeWhere(database.pairId, { databaseId: database.id }, by);
    },

    async staleBundle(pairId, reported) {
      const ca = await findClientCa(store, pairId);
      if (!ca || ca.crl_version === reported) return undefined;
      return { version: ca.crl_version, caCertificate: ca.certificate, crl: ca.crl };
    },
  };
}
