// pg_hba.conf: local socket `peer` (tenants SCRAM: PgBouncer's connections); TCP only over TLS
// (`hostssl`, a plain connection is rejected first); every TCP line is scram-sha-256 or a client
// certificate (never trust); repmgr and
// replication only from the node subnet and the witness; the admin role only from the control plane;
// reserved roles rejected from everywhere else; everybody else from the client networks: members of
// the certificate group roles with their client certificate (and their password too), the rest with
// their password. The lines are static: a role switches method by group membership, never by an edit
// here (PostgreSQL 15's pg_hba.conf has no include).

import { TENANT_MARKER_ROLE } from "@pgaas/common";
import { ADMIN_ROLE, CERT_AUTH_ROLE, CERT_PASSWORD_ROLE } from "@pgaas/common/wire";
import type { PairSpec } from "../spec.js";
import { POOLER_AUTH_OWNER, POOLER_AUTH_USER, POOLER_IDENT_MAP } from "../sql/pooler-roles.js";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";

export const REPMGR_USER = "repmgr";
export const REPMGR_DATABASE = "repmgr";
export const RESERVED_ROLES = [
  "postgres",
  REPMGR_USER,
  ADMIN_ROLE,
  POOLER_AUTH_USER,
  POOLER_AUTH_OWNER,
] as const;

interface HbaRecord {
  readonly type: "local" | "hostssl" | "hostnossl";
  readonly database: string;
  /** a role, a comma list of roles, all, or `+group` (members of group) */
  readonly user: string;
  readonly address?: string;
  readonly method: "peer" | "scram-sha-256" | "cert" | "reject";
  /** `clientcert=verify-full`: a certificate whose CN is the user, on top of the method */
  readonly clientCertificate?: boolean;
  /** `map=…` after a peer method. */
  readonly map?: string;
}

/** pg_hba's escaper: plain tokens as they are, anything else double-quoted (quotes doubled). */
export function hbaToken(token: string): string {
  if (/^[A-Za-z0-9_./:,-]+$/.test(token)) return token;
  assertOneLine(token, "pg_hba token");
  return `"${token.replaceAll('"', '""')}"`;
}

/** `+role` (members of role) keeps its meaning only unquoted. */
function userToken(user: string): string {
  return user.startsWith("+") ? `+${hbaToken(user.slice(1))}` : hbaToken(user);
}

function line(record: HbaRecord): string {
  const fields = [record.type, hbaToken(record.database), userToken(record.user)];
  if (record.address !== undefined) fields.push(hbaToken(record.address));
  fields.push(record.method);
  if (record.clientCertificate) fields.push("clientcert=verify-full");
  if (record.map !== undefined) fields.push(`map=${hbaToken(record.map)}`);
  return `${fields.join("\t")}\n`;
}

function records(spec: PairSpec, member: "node" | "witness"): HbaRecord[] {
  const trusted = [spec.network.nodeCidr, `${spec.witness.address}/32`];
  const scram = "scram-sha-256" as const;
  return [
    // A certificate role must show its certificate: PgBouncer cannot pass one on, so such a role is
    // never let in through the pooler's socket connections.
    { type: "local", database: "all", user: `+${CERT_AUTH_ROLE}`, method: "reject" },
    { type: "local", database: "all", user: `+${CERT_PASSWORD_ROLE}`, method: "reject" },
    // Tenants on the local socket: PgBouncer's server connections, which replay the client's SCRAM.
    { type: "local", database: "all", user: `+${TENANT_MARKER_ROLE}`, method: scram },
    { type: "local", database: "all", user: POOLER_AUTH_USER, method: "peer", map: POOLER_IDENT_MAP },
    { type: "local", database: "all", user: "all", method: "peer" },
    { type: "local", database: "replication", user: "all", method: "peer" },
    { type: "hostnossl", database: "all", user: "all", address: "0.0.0.0/0", method: "reject" },
    ...trusted.map(
      (address): HbaRecord => ({
        type: "hostssl",
        database: REPMGR_DATABASE,
        user: REPMGR_USER,
        address,
        method: scram,
      }),
    ),
    ...trusted.map(
      (address): HbaRecord => ({
        type: "hostssl",
        database: "replication",
        user: REPMGR_USER,
        address,
        method: scram,
      }),
    ),
    ...trusted.map(
      (address): HbaRecord => ({
        type: "hostssl",
        database: "postgres",
        user: REPMGR_USER,
        address,
        method: scram,
      }),
    ),
    ...(member === "witness" ? [] : spec.network.controlPlaneCidrs).map(
      (address): HbaRecord => ({
        type: "hostssl",
        database: "all",
        user: ADMIN_ROLE,
        address,
        method: scram,
      }),
    ),
    {
      type: "hostssl",
      database: "all",
      user: RESERVED_ROLES.join(","),
      address: "0.0.0.0/0",
      method: "reject",
    },
    ...(member === "witness" ? [] : spec.network.clientCidrs).flatMap((address): HbaRecord[] => [
      { type: "hostssl", database: "all", user: `+${CERT_AUTH_ROLE}`, address, method: "cert" },
      {
        type: "hostssl",
        database: "all",
        user: `+${CERT_PASSWORD_ROLE}`,
        address,
        method: scram,
        clientCertificate: true,
      },
      { type: "hostssl", database: "all", user: "all", address, method: scram },
    ]),
  ];
}

/** The witness only serves repmgr: no admin or client lines. */
export function renderPgHba(spec: PairSpec, member: "node" | "witness"): string {
  return withHeader(`# TYPE\tDATABASE\tUSER\tADDRESS\tMETHOD\n${records(spec, member).map(line).join("")}`);
}
