// Restores one database as of a point in time on this node, the primary: the engine's own restore
// (restoreDatabaseOn) over the local transport, with the scratch instance on this host, restored with
// the node's pgBackRest config (it reaches the repository itself) and listening on a unix socket only.
// Contract: restore() never throws; a failure is its message (the engine undid what it created).
import type { AgentConfig, RestoreParameters } from "@pgaas/common/wire";
import { restoreDatabaseOn } from "@pgaas/engine/self-heal";
import { failureMessage } from "./failure-message.js";
import { localBackupNode } from "./local-node.js";

export interface DatabaseRestorer {
  restore(parameters: RestoreParameters): Promise<{ readonly ok: boolean; readonly message: string }>;
}

export function localDatabaseRestorer(config: AgentConfig): DatabaseRestorer | null {
  const local = localBackupNode(config);
  if (local === null) return null;
  const { stanza, node } = local;
  return {
    async restore(parameters) {
      try {
        const result = await restoreDatabaseOn({ stanza, repository: node, primary: node }, parameters);
        return {
          ok: true,
          message: `restored ${parameters.database} into ${result.database} owned by ${result.owner} in ${result.durationMs} ms`,
        };
      } catch (error) {
        // The stable code first: the control plane records why the restore failed.
        return { ok: false, message: failureMessage(error) };
      }
    },
  };
}
