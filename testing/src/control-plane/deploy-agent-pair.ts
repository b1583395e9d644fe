// A lab pair whose agents report to a test control plane: registered first (the agents' tokens come
// from the registration), then bootstrapped with the shipped agent artefact, as a VM runs it.

import { AGENT_ARTEFACT_PATH } from "@pgaas/agent/launch";
import type { Secret } from "@pgaas/common";
import {
  bootstrapPair,
  type PairHosts,
  type PairSecrets,
  type PairSpec,
  type ProgressListener,
} from "@pgaas/engine";
import type { ControlPlaneStack } from "./control-plane-stack.js";

export async function deployAgentPair(
  cp: ControlPlaneStack,
  spec: PairSpec,
  hosts: PairHosts,
  secrets: PairSecrets,
  onProgress?: ProgressListener,
): Promise<{ pairId: string; agentTokens: Record<string, Secret> }> {
  if (!spec.agent) throw new Error(`pair ${spec.name} has no agent section: nothing would report`);
  const registered = await cp.registerPair(spec, secrets);
  await bootstrapPair(spec, hosts, {
    secrets,
    agentTokens: registered.agentTokens,
    agentArtefactPath: AGENT_ARTEFACT_PATH,
    ...(onProgress ? { onProgress } : {}),
  });
  return registered;
}
