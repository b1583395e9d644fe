// pairStatus: what each node is right now (role, running, fenced, timeline, LSNs, lag, sync state, who
// holds the VIP) and repmgr's own cluster view. Read-only and tolerant: a host that cannot be reached
// is reported as "unreachable" (a drill may have taken it away), never thrown.
import { clusterShowCsvCommand } from "../commands/repmgr-commands.js";
import { holdsAddress, IP_BRIEF_ADDR_COMMAND, parseClusterShowCsv } from "../commands/status-commands.js";
import type { HostTarget, PairHosts } from "../hosts.js";
import { MemberSession } from "../member-session.js";
import { allMembers, type Member } from "../members.js";
import type { PairSpec } from "../spec.js";
import { type MemberState, repmgrdWatchedNode } from "../sql/status-sql.js";
import { createSshPool, type SshPool } from "../ssh/pool.js";

export type NodeRole = "primary" | "standby" | "down" | "unreachable";

export interface NodeStatus {
  readonly name: string;
  readonly role: NodeRole;
  readonly running: boolean;
  readonly fenced: boolean;
  readonly timeline: number | null;
  readonly currentLsn: string | null;
  readonly receiveLsn: string | null;
  readonly replayLsn: string | null;
  /** On a standby: bytes the primary is ahead of its replay; on the primary: null. */
  readonly lagBytes: number | null;
  readonly lagSeconds: number | null;
  /** On a standby: its sync_state in the primary's pg_stat_replication ("sync", "async", "quorum", "potential"). */
  readonly syncState: string | null;
  readonly synchronousStandbyNames: string | null;
  readonly holdsVip: boolean;
  readonly postmasterStartTime: string | null;
}

export interface ClusterMember {
  readonly name: string;
  readonly available: boolean;
  readonly role: "primary" | "standby" | "witness";
}

/**
 * synchronous: a standby acknowledges every commit; degraded: synchronous mode, released to async
 * (standby gone); asynchronous: by spec; blocked: sync names set but no standby acknowledges (commits
 * wait); no-primary: no reachable node accepts writes.
 */
export type ReplicationState = "synchronous" | "degraded" | "asynchronous" | "blocked" | "no-primary";

export interface PairStatus {
  readonly nodes: readonly NodeStatus[];
  readonly primary: string | null;
  readonly vipHolders: readonly string[];
  readonly replication: ReplicationState;
  readonly witness: {
    readonly name: string;
    readonly running: boolean;
    readonly reachable: boolean;
    /**
     * The node the witness's repmgrd watches as primary and saw within the last few seconds (repmgr's
     * shared state on the witness); null when none. After a failover or switchover it must name the new
     * primary, or the witness vouches for the wrong node.
     */
    readonly watching: string | null;
  };
  /** repmgr's own view (`cluster show --csv`); the witness is never in recovery, so its role comes from the spec. */
  readonly cluster: readonly ClusterMember[];
}

const PROBE_TIMEOUT_MS = 10_000;

interface Observation {
  readonly member: Member;
  readonly session: MemberSession | null;
  readonly state: MemberState | null;
  readonly running: boolean;
  readonly fenced: boolean;
  readonly holdsVip: boolean;
}

async function observe(
  spec: PairSpec,
  member: Member,
  host: HostTarget,
  pool: SshPool,
): Promise<Observation> {
  const unreachable = { member, session: null, state: null, running: false, fenced: false, holdsVip: false };
  let session: MemberSession;
  try {
    session = new MemberSession(member, host, await pool.session(host.ssh), PROBE_TIMEOUT_MS);
  } catch {
    return unreachable;
  }
  try {
    const inspection = await session.inspect();
    const state = inspection.running ? await session.state().catch(() => null) : null;
    const vip = member.kind === "node" && spec.endpoint.kind === "vip";
    const addresses = vip ? await session.sh(IP_BRIEF_ADDR_COMMAND, "ip-addr") : "";
    return {
      member,
      session,
      state,
      running: inspection.running && state !== null,
      fenced: inspection.fenced,
      holdsVip: vip && holdsAddress(addresses, spec.endpoint.address),
    };
  } catch {
    await pool.forget(host.ssh);
    return unreachable;
  }
}

function nodeStatus(o: Observation, primary: MemberState | null): NodeStatus {
  const isPrimary = o.state !== null && !o.state.inRecovery;
  const replica = primary?.replicas.find((r) => r.name === o.member.name);
  return {
    name: o.member.name,
    role: o.session === null ? "unreachable" : o.state === null ? "down" : isPrimary ? "primary" : "standby",
    running: o.running,
    fenced: o.fenced,
    timeline: o.state?.timeline ?? null,
    currentLsn: o.state?.currentLsn ?? null,
    receiveLsn: o.state?.receiveLsn ?? null,
    replayLsn: o.state?.replayLsn ?? null,
    lagBytes: isPrimary ? null : (replica?.lagBytes ?? null),
    lagSeconds: isPrimary ? null : (o.state?.replayLagSeconds ?? null),
    syncState: isPrimary ? null : (replica?.syncState ?? null),
    synchronousStandbyNames: o.state?.synchronousStandbyNames ?? null,
    holdsVip: o.holdsVip,
    postmasterStartTime: o.state?.postmasterStartTime ?? null,
  };
}

async function clusterView(
  source: Observation | undefined,
  members: readonly Member[],
): Promise<ClusterMember[]> {
  if (!source?.session) return [];
  const result = await source.session.ssh
    .run(clusterShowCsvCommand(source.member), {
      step: `${source.member.name}.cluster-show`,
      timeoutMs: PROBE_TIMEOUT_MS,
    })
    .catch(() => ({ stdout: "" }));
  return parseClusterShowCsv(result.stdout).map((row): ClusterMember => {
    const member = members.find((candidate) => candidate.id === row.nodeId);
    return {
      name: member?.name ?? String(row.nodeId),
      available: row.available,
      role: member?.kind === "witness" ? "witness" : row.primary ? "primary" : "standby",
    };
  });
}

export async function pairStatus(
  spec: PairSpec,
  hosts: PairHosts,
  options: { sshPool?: SshPool } = {},
): Promise<PairStatus> {
  const pool = options.sshPool ?? createSshPool({ connectTimeoutMs: 3000 });
  try {
    const members = allMembers(spec);
    const targets = [hosts.nodes[0], hosts.nodes[1], hosts.witness];
    const observed = await Promise.all(
      members.map((member, index) => observe(spec, member, targets[index] as HostTarget, pool)),
    );
    const nodes = observed.filter((o) => o.member.kind === "node");
    const witness = observed.find((o) => o.member.kind === "witness");
    const primary = nodes.find((o) => o.state && !o.state.inRecovery);
    const statuses = nodes.map((o) => nodeStatus(o, primary?.state ?? null));
    return {
      nodes: statuses,
      primary: primary?.member.name ?? null,
      vipHolders: statuses.filter((n) => n.holdsVip).map((n) => n.name),
      replication: replicationState(spec, primary?.state ?? null),
      witness: {
        name: spec.witness.name,
        running: witness?.running ?? false,
        reachable: witness?.session != null,
        watching: await witnessWatching(witness, members),
      },
      cluster: await clusterView(primary ?? witness, members),
    };
  } finally {
    if (!options.sshPool) await pool.closeAll();
  }
}

/** Seconds since the witness's repmgrd last saw the node it watches, for that node to count as watched. */
const WATCHED_WITHIN_SECS = 5;

async function witnessWatching(
  witness: Observation | undefined,
  members: readonly Member[],
): Promise<string | null> {
  if (!witness?.session) return null;
  const nodeId = await repmgrdWatchedNode(witness.session, WATCHED_WITHIN_SECS, "witness-upstream");
  return members.find((member) => member.id === nodeId)?.name ?? null;
}

export function replicationState(spec: PairSpec, primary: MemberState | null): ReplicationState {
  if (!primary) return "no-primary";
  if (spec.replication.mode === "asynchronous") return "asynchronous";
  if (primary.synchronousStandbyNames === "") return "degraded";
  const acknowledging = primary.replicas.some(
    (r) => r.state === "streaming" && (r.syncState === "sync" || r.syncState === "quorum"),
  );
  return acknowledging ? "synchronous" : "blocked";
}
