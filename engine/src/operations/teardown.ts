// teardownPair: stop every daemon of the pair and remove its files and data (Pulumi delete). Safe to
// run twice and on half-built pairs; hosts that cannot be reached make it fail (nothing is left silently).
import { shellCommand } from "@pgaas/common";
import { removeBootUnits } from "../bootstrap/boot-units.js";
import { removeAuthorizedKeyCommand } from "../commands/host-commands.js";
import { pgStopImmediateCommand } from "../commands/pg-commands.js";
import type { PairHosts } from "../hosts.js";
import { pairConfigRoot, pairSoftwareRoot } from "../layout.js";
import type { MemberSession } from "../member-session.js";
import { openPairSessions } from "../pair-sessions.js";
import type { RenderedFile } from "../plan-files.js";
import { agentService, fenceWatcherService, keepalivedService, repmgrdService } from "../service-defs.js";
import type { PairSpec } from "../spec.js";
import type { SshPool } from "../ssh/pool.js";

const NO_FILES: readonly RenderedFile[] = [];

async function teardownMember(session: MemberSession, publicKey: string | undefined): Promise<void> {
  const member = session.member;
  const defs = [
    agentService(member, NO_FILES),
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

/** Pair-wide directories go once no member of the pair is left on this host (hosts may share a filesystem). */
async function removePairRoots(spec: PairSpec, session: MemberSession): Promise<void> {
  const roots = [
    pairConfigRoot(spec.name),
    `/var/lib/pgaas/${spec.name}`,
    `/run/pgaas/${spec.name}`,
    `/var/log/pgaas/${spec.name}`,
    pairSoftwareRoot(spec.name),
  ];
  await session.sh(
    `for d in ${shellCommand(roots)}; do if [ -d "$d" ] && [ -z "$(ls -A "$d" | grep -v -x -e ssh -e pgpass)" ]; then rm -rf -- "$d"; fi; done`,
    "teardown-roots",
  );
}

export async function teardownPair(
  spec: PairSpec,
  hosts: PairHosts,
  options: { postgresSshPublicKey?: string; sshPool?: SshPool } = {},
): Promise<void> {
  const pair = await openPairSessions(spec, hosts, options.sshPool);
  try {
    await Promise.all(pair.all.map((session) => teardownMember(session, options.postgresSshPublicKey)));
    for (const session of pair.all) await removePairRoots(spec, session);
  } finally {
    await pair.close();
  }
}
