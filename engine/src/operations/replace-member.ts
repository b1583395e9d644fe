// replaceMember: one node of a pair moves to a new host (a fresh VM: empty data directory, possibly a new
// address and host key), the pair keeping its data and at most one switchover of downtime.
//   1. If the node's previous host is the primary, switch over to the other node first; refused unless
//      that node is a streaming synchronous standby (no acknowledged commit may be lost).
//   2. Retire the previous host, when it is still there: the primary stops waiting for it (planned, so
//      no commit waits out the degrade timeout), its daemons stop, the member's files go, and the node
//      is unregistered from repmgr (the new host registers under the same node id). Until the new host
//      streams the pair has one copy of its data, as while any standby is rebuilt.
//   3. bootstrapPair with the new host: it rewrites what names the node on the survivors (repmgr's
//      known_hosts with the new host key, keepalived's unicast peer, the agent's peer), clones the new
//      host as the standby, registers it and starts repmgrd, keepalived, the pooler and the agent.
//   4. Wait until the node is the synchronous standby again.
// Resumable: run again after an interruption, a finished switchover is not repeated (the other node is
// then the primary), a retired host is not touched again once the new one streams, and bootstrapPair
// completes whatever is half done.
import { ConflictError, InputError } from "@pgaas/common";
import { type BootstrapOptions, type BootstrapResult, bootstrapPair } from "../bootstrap/bootstrap.js";
import { waitFor } from "../bootstrap/postgres-steps.js";
import { repmgrCommand } from "../commands/repmgr-commands.js";
import type { HostTarget, PairHosts } from "../hosts.js";
import { MemberSession } from "../member-session.js";
import { nodeMember } from "../members.js";
import { StepRunner, type StepTiming } from "../progress.js";
import { nodeByName, type PairSpec, peerOf } from "../spec.js";
import { nodeStreamingFromSql, nodeSynchronousSql } from "../sql/sync-sql.js";
import { SshUnreachableError } from "../ssh/errors.js";
import { createSshPool } from "../ssh/pool.js";
import { switchover } from "./switchover.js";
import { ensureSync } from "./sync.js";
import { teardownMember } from "./teardown.js";

/** The host the node ran on before, with the address it had there. */
export interface PreviousHost {
  readonly host: HostTarget;
  readonly address: string;
}

export interface ReplaceMemberOptions extends BootstrapOptions {
  /** The node whose host in `hosts` (and address in the spec) is new. */
  readonly node: string;
  /**
   * The host being replaced, when it may still run: needed when it is the primary (the switchover
   * runs through it), retired otherwise. Absent or unreachable: taken as gone.
   */
  readonly previous?: PreviousHost;
  /** Bound on the wait for the new host to become the synchronous standby. Default 120 s. */
  readonly syncTimeoutMs?: number;
}

export interface ReplaceMemberResult {
  readonly node: string;
  /** The other node, the primary once the replacement is done. */
  readonly primary: string;
  readonly switchedOver: boolean;
  readonly retired: "retired" | "gone" | "already-replaced" | "same-address";
  readonly bootstrap: BootstrapResult;
  readonly steps: readonly StepTiming[];
  readonly durationMs: number;
}

const DEFAULT_SYNC_TIMEOUT_MS = 120_000;

export async function replaceMember(
  spec: PairSpec,
  hosts: PairHosts,
  options: ReplaceMemberOptions,
): Promise<ReplaceMemberResult> {
  const started = performance.now();
  const runner = new StepRunner(options.onProgress, options.signal);
  const node = nodeByName(spec, options.node);
  const index = spec.nodes.indexOf(node);
  const peerName = peerOf(spec, node.name).name;
  const peerHost = hosts.nodes[index === 0 ? 1 : 0];
  const previous = options.previous;
  // The pair as it was: the node at its previous address on its previous host.
  const previousSpec: PairSpec = previous
    ? { ...spec, nodes: withAt(spec.nodes, index, { ...node, address: previous.address }) }
    : spec;
  const previousHosts: PairHosts | undefined = previous
    ? { ...hosts, nodes: withAt(hosts.nodes, index, previous.host) }
    : undefined;
  const pool = options.sshPool ?? createSshPool();
  try {
    const peer = new MemberSession(nodeMember(spec, peerName), peerHost, await pool.session(peerHost.ssh));
    const peerState = await peer.state().catch(() => null);
    if (!peerState) {
      throw new ConflictError(`${peerName} does not run: it must carry the pair while ${node.name} moves`, {
        code: "peer_not_running",
      });
    }

    let switchedOver = false;
    if (peerState.inRecovery) {
      if (!previous || !previousHosts) {
        throw new ConflictError(
          `${peerName} is a standby, so ${node.name}'s previous host is the primary: give it as previous to switch over first`,
          { code: "previous_host_required" },
        );
      }
      const old = new MemberSession(
        nodeMember(previousSpec, node.name),
        previous.host,
        await pool.session(previous.host.ssh),
      );
      if (Number(await old.sql(nodeSynchronousSql(peerName), "replace-check")) < 1) {
        throw new ConflictError(
          `${peerName} is not a streaming synchronous standby of ${node.name}: a switchover could lose commits`,
          { code: "standby_not_synchronous" },
        );
      }
      await runner.run("switchover", peerName, async () => {
        const result = await switchover(previousSpec, previousHosts, options.secrets, {
          sshPool: pool,
          ...(options.onProgress ? { onProgress: options.onProgress } : {}),
        });
        return { changed: true, detail: `${result.oldPrimary} → ${result.newPrimary}` };
      });
      switchedOver = true;
    }

    let retired: ReplaceMemberResult["retired"] = "gone";
    await runner.run("retire", node.name, async () => {
      retired = await retirePrevious(spec, node.name, peer, previous, pool);
      return { changed: retired === "retired", detail: retired };
    });

    const bootstrap = await bootstrapPair(spec, hosts, { ...options, sshPool: pool });
    if (bootstrap.primary !== peerName) {
      throw new ConflictError(`${bootstrap.primary} came out primary, expected ${peerName}`, {
        code: "unexpected_primary",
      });
    }
    await runner.run("synchronous", node.name, async () => {
      await waitFor(
        `${node.name} to be the synchronous standby of ${peerName}`,
        async () => Number(await peer.sql(nodeSynchronousSql(node.name), "replace-sync")) >= 1,
        options.syncTimeoutMs ?? DEFAULT_SYNC_TIMEOUT_MS,
      );
      return { changed: false };
    });
    return {
      node: node.name,
      primary: peerName,
      switchedOver,
      retired,
      bootstrap,
      steps: [...runner.timings, ...bootstrap.steps],
      durationMs: Math.round(performance.now() - started),
    };
  } finally {
    if (!options.sshPool) await pool.closeAll();
  }
}

/**
 * The previous host stops being the node: its daemons stop, the member's files go (its VM goes with
 * them anyway), and repmgr forgets the node so the new host registers afresh. Only once the peer is
 * the primary (the caller made sure) and never again after the new host streams.
 */
async function retirePrevious(
  spec: PairSpec,
  name: string,
  primary: MemberSession,
  previous: PreviousHost | undefined,
  pool: ReturnType<typeof createSshPool>,
): Promise<ReplaceMemberResult["retired"]> {
  const member = nodeMember(spec, name);
  if (!previous) return "gone";
  if (previous.address === member.address) return "same-address";
  if (Number(await primary.sql(nodeStreamingFromSql(name, member.address), "replace-done")) >= 1) {
    return "already-replaced";
  }
  let session: MemberSession;
  try {
    session = new MemberSession(member, previous.host, await pool.session(previous.host.ssh));
  } catch (error) {
    if (error instanceof SshUnreachableError) return "gone";
    throw error;
  }
  const state = await session.state().catch(() => null);
  if (state && !state.inRecovery) {
    throw new ConflictError(`${name}'s previous host still runs as primary`, { code: "previous_is_primary" });
  }
  // Planned, so no commit waits out the degrade timeout for a standby that is leaving: the primary
  // stops waiting now, and bootstrapPair turns synchronous replication back on once the new host streams.
  await ensureSync({ nodes: spec.nodes, replication: { mode: "asynchronous" } }, primary);
  await teardownMember(session, undefined);
  const registered = await primary.sql(
    `SELECT count(*) FROM repmgr.nodes WHERE node_id = ${member.id}`,
    "replace-unregister",
    "repmgr",
  );
  if (Number(registered) > 0) {
    await primary.sh(
      repmgrCommand(primary.member, ["standby", "unregister", `--node-id=${member.id}`]),
      "replace-unregister",
    );
  }
  return "retired";
}

function withAt<T>(items: readonly [T, T], index: number, item: T): [T, T] {
  if (index !== 0 && index !== 1) throw new InputError(`no node at ${index}`);
  return index === 0 ? [item, items[1]] : [items[0], item];
}
