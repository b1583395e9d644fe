// Pair members as repmgr sees them: two data nodes (ids 1 and 2, in spec order) and the witness (id 3).
// Ids follow spec order so they never change for a given spec.
import { conninfo } from "@pgaas/common";
import { type MemberLayout, memberLayout } from "./layout.js";
import { REPMGR_DATABASE, REPMGR_USER } from "./render/pg-hba.js";
import {
  nodeByName,
  type PairSpec,
  REPMGR_CONNECT_TIMEOUT_SECS,
  REPMGR_TCP_USER_TIMEOUT_MS,
} from "./spec.js";

export interface Member {
  readonly kind: "node" | "witness";
  readonly name: string;
  readonly id: number;
  readonly address: string;
  readonly port: number;
  readonly layout: MemberLayout;
}

export const WITNESS_NODE_ID = 3;

export function nodeMember(spec: PairSpec, name: string): Member {
  const node = nodeByName(spec, name);
  return {
    kind: "node",
    name,
    id: spec.nodes.indexOf(node) + 1,
    address: node.address,
    port: spec.postgres.port,
    layout: memberLayout(spec, name),
  };
}

export function witnessMember(spec: PairSpec): Member {
  return {
    kind: "witness",
    name: spec.witness.name,
    id: WITNESS_NODE_ID,
    address: spec.witness.address,
    port: spec.witness.port,
    layout: memberLayout(spec, spec.witness.name),
  };
}

export function allMembers(spec: PairSpec): Member[] {
  return [...spec.nodes.map((node) => nodeMember(spec, node.name)), witnessMember(spec)];
}

/**
 * The libpq conninfo other members use to reach this one as repmgr (password from the pair .pgpass).
 * Keepalives and a TCP user timeout bound a query in flight when the peer vanishes silently: with the
 * kernel defaults repmgrd's connection would wait two hours before noticing. The user timeout also ends
 * a connect to a vanished host at the SYN's first retransmission, 1 s, where libpq's connect_timeout
 * cannot go below 2 s: each of repmgrd's checks of a lost primary takes half as long.
 */
export function repmgrConninfo(member: Member, options: { database?: string } = {}): string {
  return conninfo({
    host: member.address,
    port: member.port,
    user: REPMGR_USER,
    dbname: options.database ?? REPMGR_DATABASE,
    connect_timeout: REPMGR_CONNECT_TIMEOUT_SECS,
    keepalives_idle: 2,
    keepalives_interval: 1,
    keepalives_count: 3,
    tcp_user_timeout: REPMGR_TCP_USER_TIMEOUT_MS,
    passfile: member.layout.pgpass,
    // The member proves it is who we dialled: its certificate, from the pair CA, names this address.
    sslmode: "verify-full",
    sslrootcert: member.layout.caCertificate,
  });
}
