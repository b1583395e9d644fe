// Client certificates for access grants and database owners: the grant's requester (or, for the owner
// role, the owner or an admin) asks for one (certificate alone, or certificate plus the role's
// password) and receives the certificate and its private key once; the requester, the database owner
// or an admin revokes it; the nodes refuse a revoked one within seconds.
import { z } from "zod";
import { CaCertificate, Id, IdParams, Timestamp } from "./common.js";
import { defineRoute } from "./route.js";

/**
 * How the grant's role logs in from then on: with its certificate alone, or with the certificate and
 * its password. Revoking the certificate does not bring the password alone back.
 */
export const CertificateMethod = z.enum(["certificate", "certificate+password"]);
export type CertificateMethod = z.infer<typeof CertificateMethod>;

export const ClientCertificateState = z.enum(["active", "revoked", "expired"]);
export type ClientCertificateState = z.infer<typeof ClientCertificateState>;

export const ClientCertificate = z.object({
  id: Id,
  databaseId: Id,
  /** null: a certificate for the database's owner role */
  accessRequestId: Id.nullable(),
  /** The certificate's CN: the login role it authenticates. */
  roleName: z.string(),
  method: CertificateMethod,
  /** Hex, as `openssl x509 -serial` prints it (lower case). */
  serial: z.string().regex(/^[0-9a-f]+$/),
  /** SHA-256 of the DER certificate, hex. */
  fingerprint: z.string().regex(/^[0-9a-f]{64}$/),
  notAfter: Timestamp,
  issuedAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  state: ClientCertificateState,
});
export type ClientCertificate = z.infer<typeof ClientCertificate>;

export const IssueClientCertificateRequest = z.object({
  method: CertificateMethod,
  /** Lifetime; never past the grant's expiry (default 365 days). */
  validDays: z.number().int().min(1).max(3650).default(365),
});
export type IssueClientCertificateRequest = z.infer<typeof IssueClientCertificateRequest>;

export const IssuedClientCertificate = z.object({
  clientCertificate: ClientCertificate,
  /** PEM: sslcert */
  certificate: z.string(),
  /** PKCS#8 PEM: sslkey. Shown this once; the control plane does not keep it. */
  privateKey: z.string(),
  /** The pair CA the endpoint is verified with (sslrootcert); null for a pair without one. */
  caCertificate: CaCertificate.nullable(),
  /** A ready psql command line: verify-full, files named client.crt, client.key and ca.crt. */
  psql: z.string(),
});
export type IssuedClientCertificate = z.infer<typeof IssuedClientCertificate>;

export const ClientCertificateList = z.object({ clientCertificates: z.array(ClientCertificate) });
export type ClientCertificateList = z.infer<typeof ClientCertificateList>;
export const ClientCertificateResponse = z.object({ clientCertificate: ClientCertificate });
export type ClientCertificateResponse = z.infer<typeof ClientCertificateResponse>;

export const issueClientCertificate = defineRoute({
  id: "issueClientCertificate",
  method: "post",
  path: "/v1/access-requests/:id/certificates",
  summary:
    "The requester of an approved grant gets a client certificate for its role (shown once); the role then logs in with it",
  tag: "access",
  auth: "user",
  params: IdParams,
  body: IssueClientCertificateRequest,
  status: 201,
  response: IssuedClientCertificate,
});

export const issueOwnerCertificate = defineRoute({
  id: "issueOwnerCertificate",
  method: "post",
  path: "/v1/databases/:id/certificates",
  summary:
    "A client certificate for the database's owner role (owner or admin; shown once to whoever asks); the owner role then logs in with it",
  tag: "databases",
  auth: "user",
  params: IdParams,
  body: IssueClientCertificateRequest,
  status: 201,
  response: IssuedClientCertificate,
});

export const listOwnerCertificates = defineRoute({
  id: "listOwnerCertificates",
  method: "get",
  path: "/v1/databases/:id/certificates",
  summary: "The client certificates issued for the database's owner role (owner or admin)",
  tag: "databases",
  auth: "user",
  params: IdParams,
  status: 200,
  response: ClientCertificateList,
});

export const listClientCertificates = defineRoute({
  id: "listClientCertificates",
  method: "get",
  path: "/v1/access-requests/:id/certificates",
  summary: "The client certificates issued for a grant (requester, database owner or admin)",
  tag: "access",
  auth: "user",
  params: IdParams,
  status: 200,
  response: ClientCertificateList,
});

export const revokeClientCertificate = defineRoute({
  id: "revokeClientCertificate",
  method: "post",
  path: "/v1/client-certificates/:id/revoke",
  summary:
    "Revoke a client certificate (requester, database owner or admin); the nodes refuse it within seconds",
  tag: "access",
  auth: "user",
  params: IdParams,
  status: 200,
  response: ClientCertificateResponse,
});
