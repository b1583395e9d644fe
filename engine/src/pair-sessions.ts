// SSH sessions to the three members of a pair, opened together and closed together.
import type { HostTarget, PairHosts } from "./hosts.js";
import { MemberSession } from "./member-session.js";
import { nodeMember, witnessMember } from "./members.js";
import type { PairSpec } from "./spec.js";
import { createSshPool, type SshPool } from "./ssh/pool.js";

export interface PairSessions {
  readonly nodes: readonly [MemberSession, MemberSession];
  readonly witness: MemberSession;
  readonly all: readonly MemberSession[];
  node(name: string): MemberSession;
  peer(name: string): MemberSession;
  close(): Promise<void>;
}

export async function openPairSessions(
  spec: PairSpec,
  hosts: PairHosts,
  pool?: SshPool,
): Promise<PairSessions> {
  const ownPool = pool ?? createSshPool();
  const open = async (member: ReturnType<typeof nodeMember>, host: HostTarget) =>
    new MemberSession(member, host, await ownPool.session(host.ssh));
  try {
    const [a, b, witness] = await Promise.all([
      open(nodeMember(spec, spec.nodes[0].name), hosts.nodes[0]),
      open(nodeMember(spec, spec.nodes[1].name), hosts.nodes[1]),
      open(witnessMember(spec), hosts.witness),
    ]);
    const nodes = [a, b] as const;
    return {
      nodes,
      witness,
      all: [a, b, witness],
      node: (name) => {
        const found = nodes.find((session) => session.name === name);
        if (!found) throw new TypeError(`no node ${name}`);
        return found;
      },
      peer: (name) => {
        const found = nodes.find((session) => session.name !== name);
        if (!found) throw new TypeError(`no peer of ${name}`);
        return found;
      },
      close: async () => {
        if (!pool) await ownPool.closeAll();
      },
    };
  } catch (error) {
    if (!pool) await ownPool.closeAll();
    throw error;
  }
}
