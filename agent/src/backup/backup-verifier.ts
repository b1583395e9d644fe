// The scheduled restore check on this node: the engine's verifyLatestBackupOn over the local
// transport, the scratch instance on this host restored with the node's pgBackRest config. The
// control plane sends it to the standby when there is one, so the restore's I/O stays off the primary.
// Contract: verify() never throws; success is restoreCheckMessage, a failure its code and reason.
import { type AgentConfig, restoreCheckMessage } from "@pgaas/common/wire";
import { verifyLatestBackupOn } from "@pgaas/engine/self-heal";
import { failureMessage } from "./failure-message.js";
import { localBackupNode } from "./local-node.js";

export interface BackupVerifier {
  verify(): Promise<{ readonly ok: boolean; readonly message: string }>;
}

export function localBackupVerifier(config: AgentConfig): BackupVerifier | null {
  const local = localBackupNode(config);
  if (local === null) return null;
  return {
    async verify() {
      try {
        const result = await verifyLatestBackupOn({ stanza: local.stanza, repository: local.node });
        return { ok: true, message: restoreCheckMessage(result) };
      } catch (error) {
        return { ok: false, message: failureMessage(error) };
      }
    },
  };
}
