// Service faults for soaks and drills: stop and start the witness (its PostgreSQL and repmgrd), and
// start a member's agent again after it was killed, with the same service definitions bootstrap uses.
// The pair's daemons run with Restart=no (systemd) or detached (lab hosts): nothing restarts a killed
// agent, so the caller plays the service manager here.

import type { Secret } from "@pgaas/common";
import { loadAgentArtefact } from "../bootstrap/agent-artefact.js";
import { startPostgres } from "../bootstrap/postgres-steps.js";
import { pgServiceCommand } from "../commands/pg-commands.js";
import type { PairHosts } from "../hosts.js";
import { openPairSessions, type PairSessions } from "../pair-sessions.js";
import { planNodeFiles, planWitnessFiles } from "../plan-files.js";
import type { PairSecrets } from "../secrets.js";
import { agentService, repmgrdService } from "../service-defs.js";
import type { PairSpec } from "../spec.js";

async function withSessions<T>(
  spec: PairSpec,
  hosts: PairHosts,
  fn: (pair: PairSessions) => Promise<T>,
): Promise<T> {
  const pair = await openPairSessions(spec, hosts);
  try {
    return await fn(pair);
  } finally {
    await pair.close();
  }
}

const nodeHostKeys = (pair: PairSessions) =>
  pair.nodes.map((node) => ({ address: node.member.address, hostKey: node.ssh.hostKey }));

/** The witness goes down: its repmgrd, then its PostgreSQL (fast shutdown). */
export async function stopWitness(spec: PairSpec, hosts: PairHosts): Promise<void> {
  await withSessions(spec, hosts, async ({ witness }) => {
    await witness.services.stop(repmgrdService(witness.member, []));
    await witness.sh(pgServiceCommand(witness.member.layout, "stop"), "stop witness postgres");
  });
}

/** The witness comes back: PostgreSQL, then repmgrd with bootstrap's definition. */
export async function startWitness(spec: PairSpec, hosts: PairHosts, secrets: PairSecrets): Promise<void> {
  await withSessions(spec, hosts, async (pair) => {
    await startPostgres(pair.witness);
    await pair.witness.services.ensureRunning(
      repmgrdService(pair.witness.member, planWitnessFiles(spec, secrets, nodeHostKeys(pair))),
    );
  });
}

/** Starts `node`'s agent (after a kill) exactly as bootstrap defines the service. */
export async function startAgent(
  spec: PairSpec,
  hosts: PairHosts,
  options: { secrets: PairSecrets; agentToken: Secret; agentArtefactPath: string },
  node: string,
): Promise<void> {
  const artefact = await loadAgentArtefact(options.agentArtefactPath);
  await withSessions(spec, hosts, async (pair) => {
    const session = pair.node(node);
    const files = planNodeFiles(spec, node, options.secrets, {
      agentToken: options.agentToken,
      nodeHostKeys: nodeHostKeys(pair),
    });
    await session.services.ensureRunning(agentService(session.member, files, artefact.sha256));
  });
}

/** kill -9 of `node`'s agent, found by its service PID file; returns the PID (undefined: not running). */
export async function killAgent(spec: PairSpec, hosts: PairHosts, node: string): Promise<number | undefined> {
  return withSessions(spec, hosts, async (pair) => {
    const session = pair.node(node);
    const status = await session.services.status(agentService(session.member, []));
    if (!status.running) return undefined;
    await session.sh(`kill -9 ${Number(status.pid)}`, "kill -9 agent");
    return status.pid;
  });
}
