// Agents on a pair's nodes: started by the pair engine's bootstrap (it renders the agent config and
// token file when given tokens) and stopped through the hosts' service control on deregistration.
import { AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import { Secret } from "@pgaas/common";
import type { PairHosts, PairSpec, ProgressListener } from "@pgaas/engine";
import { agentService, bootstrapPair, openPairSessions, pairSecretsFrom } from "@pgaas/engine";

export interface AgentInstall {
  readonly spec: PairSpec;
  readonly hosts: PairHosts;
  /** PairConfiguration.pairSecrets (JSON). */
  readonly pairSecrets: string;
}

/** Converges the pair with its agent tokens: the engine installs the agent config and starts agents. */
export async function startAgents(
  install: AgentInstall,
  tokens: Readonly<Record<string, string>>,
  onProgress?: ProgressListener,
): Promise<void> {
  await bootstrapPair(install.spec, install.hosts, {
    secrets: pairSecretsFrom(JSON.parse(install.pairSecrets)),
    agentTokens: Object.fromEntries(Object.entries(tokens).map(([node, token]) => [node, new Secret(token)])),
    agentArtefactPath: AGENT_ARTEFACT_PATH,
    onProgress,
  });
}

/** Stops the agent on both nodes; a node whose agent is not running is left as it is. */
export async function stopAgents(install: Pick<AgentInstall, "spec" | "hosts">): Promise<void> {
  const pair = await openPairSessions(install.spec, install.hosts);
  try {
    await Promise.all(
      pair.nodes.map((session) => {
        const { name, pidFile } = agentService(session.member, []);
        return session.services.stop({ name, pidFile });
      }),
    );
  } finally {
    await pair.close();
  }
}
