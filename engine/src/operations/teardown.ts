// teardownPair: stop every daemon of the pair and remove its files and data (Pulumi delete). Safe to
// run twice and on half-built pairs. A host that stays unreachable through a few connection attempts
// is taken as gone (a deleted or dead VM): the rest of the pair is torn down and the result names the
// host, so the caller says so; any other failure (refused key, a failing command) stops the teardown.
import { shellCommand } from "@pgaas/common";
import { pairBackupRoots } from "../backup/backup-layout.js";
import { removeBootUnits } from "../bootstrap/boot-units.js";
import { removeAuthorizedKeyCommand } from "../commands/host-commands.js";
import { pgStopImmediateCommand } from "../commands/pg-commands.js";
import type { HostTarget, PairHosts } from "../hosts.js";
import { pairRoots } from "../layout.js";
import { MemberSession } from "../member-session.js";
import { type Member, nodeMember, witnessMember } from "../members.js";
import type { RenderedFile } from "../plan-files.js";
import {
  agentService,
  fenceWatcherService,
  keepalivedService,
  pgbouncerService,
  repmgrdService,
} from "../service-defs.js";
import type { PairSpec } from "../spec.js";
import { SshUnreachableError } from "../ssh/errors.js";
import { createSshPool, type SshPool } from "../ssh/pool.js";

const NO_FILES: readonly RenderedFile[] = [];

/**
 * Stops every daemon of the member and removes its files and data on this host. Also retires a host
 * whose node moved to another one (replaceMember): the key stays, the pair may still use this host.
 */
export async function teardownMember(session: MemberSession, publicKey: string | undefined): Promise<void> {
  const member = session.member;
  const defs = [
    agentService(member, NO_FILES),
    // Whether or not the spec still enables the pooler: one started earlier must not outlive the pair.
    ...(member.kind === "node" ? [pgbouncerService(member, NO_FILES)] : []),
    fenceWatcherService(member, NO_FILES),
    keepalivedService(member, NO_FILES),
    repmgrdService(member, NO_FILES),
  ];
  for (const def of defs) await session.services.stop(def, { timeoutMs: 15_000 });
  // Before the config directory goes: the boot unit's stop command runs bin/pg-service.
  if (session.host.serviceManager === "systemd") await removeBootUnits(session);
  await session.sh(pgStopImmediateCommand(member.layout), "teardown-postgres", 60_000);
  const layout = member.layout;
  await session.sh(
    `rm -rf -- ${shellCommand([
      layout.configDir,
      layout.stateDir,
      layout.runDir,
      layout.logDir,
      // The artefact's directory only: its parent is the member's, shared with nothing else.
      layout.agentDir.replace(/\/agent$/, ""),
    ])}`,
    "teardown-files",
  );
  if (publicKey) await session.sh(removeAuthorizedKeyCommand(publicKey), "teardown-key");
}

/**
 * Pair-wide directories go once no member of the pair is left on this host (hosts may share a filesystem):
 * what may remain then is only what every member shares (ssh, pgpass, the pair CA's ca.crt).
 */
async function removePairRoots(spec: PairSpec, session: MemberSession): Promise<void> {
  const roots = pairRoots(spec.name);
  await session.sh(
    `for d in ${shellCommand(roots)}; do if [ -d "$d" ] && [ -z "$(ls -A "$d" | grep -v -x -e ssh -e pgpass -e ca.crt)" ]; then rm -rf -- "$d"; fi; done`,
    "teardown-roots",
  );
}

/**
 * The pair's local backup repository on the witness host (the repository host), once no node archives
 * into it any more. A repository left behind is unreadable without the destroyed cipher key, and a new
 * pair of the same name could not create its stanza over it.
 */
async function removeBackupRoots(spec: PairSpec, witness: MemberSession): Promise<void> {
  const roots = pairBackupRoots(spec);
  if (roots.length > 0) await witness.sh(`rm -rf -- ${shellCommand(roots)}`, "teardown-backup-repository");
}

/** A member whose host never answered: nothing of the pair was removed there. */
export interface UnreachableMember {
  readonly member: string;
  readonly host: string;
  readonly reason: string;
}

export interface TeardownOptions {
  readonly postgresSshPublicKey?: string;
  readonly sshPool?: SshPool;
  /** Connection attempts per host before it is taken as gone. Default 3. */
  readonly connectAttempts?: number;
  /** Pause between connection attempts. Default 5 s. */
  readonly connectRetryMs?: number;
}

export interface TeardownResult {
  readonly unreachable: readonly UnreachableMember[];
}

async function openOrGone(
  pool: SshPool,
  member: Member,
  host: HostTarget,
  options: TeardownOptions,
): Promise<MemberSession | UnreachableMember> {
  const attempts = options.connectAttempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return new MemberSession(member, host, await pool.session(host.ssh));
    } catch (error) {
      if (!(error instanceof SshUnreachableError)) throw error;
      if (attempt >= attempts) return { member: member.name, host: host.ssh.host, reason: error.message };
      await new Promise((resolve) => setTimeout(resolve, options.connectRetryMs ?? 5000));
    }
  }
}

export async function teardownPair(
  spec: PairSpec,
  hosts: PairHosts,
  options: TeardownOptions = {},
): Promise<TeardownResult> {
  const pool = options.sshPool ?? createSshPool();
  const targets: [Member, HostTarget][] = [
    [nodeMember(spec, spec.nodes[0].name), hosts.nodes[0]],
    [nodeMember(spec, spec.nodes[1].name), hosts.nodes[1]],
    [witnessMember(spec), hosts.witness],
  ];
  try {
    const opened = await Promise.all(
      targets.map(([member, host]) => openOrGone(pool, member, host, options)),
    );
    const sessions = opened.filter((entry): entry is MemberSession => entry instanceof MemberSession);
    const unreachable = opened.filter(
      (entry): entry is UnreachableMember => !(entry instanceof MemberSession),
    );
    await Promise.all(sessions.map((session) => teardownMember(session, options.postgresSshPublicKey)));
    const witness = sessions.find((session) => session.member.kind === "witness");
    if (witness) await removeBackupRoots(spec, witness);
    for (const session of sessions) await removePairRoots(spec, session);
    return { unreachable };
  } finally {
    if (!options.sshPool) await pool.closeAll();
  }
}
