// Restores one database as of a point in time on this node, the primary: the engine's own restore
// (restoreDatabaseOn) over the local transport, with the scratch instance on this host, restored with
// the node's pgBackRest config (it reaches the repository itself) and listening on a unix socket only.
// Contract: restore() never throws; a failure is its message (the engine undid what it created).
import { describeError } from "@pgaas/common";
import type { AgentConfig, RestoreParameters } from "@pgaas/common/wire";
import { MemberCommands, memberLayout, restoreDatabaseOn } from "@pgaas/engine/self-heal";
import { localTransport } from "../heal/local-transport.js";

export interface DatabaseRestorer {
  restore(parameters: RestoreParameters): Promise<{ readonly ok: boolean; readonly message: string }>;
}

/** Null without backups, or without the node's own member in the config (rendered before restores existed). */
export function localDatabaseRestorer(config: AgentConfig): DatabaseRestorer | null {
  const { backup, heal } = config;
  if (backup === undefined || heal === undefined) return null;
  const node = new MemberCommands(
    { kind: "node", ...heal.node, layout: memberLayout({ name: config.pairName }, heal.node.name) },
    localTransport(heal.node.name),
  );
  return {
    async restore(parameters) {
      try {
        const result = await restoreDatabaseOn(
          { stanza: backup.stanza, repository: node, primary: node },
          parameters,
        );
        return {
          ok: true,
          message: `restored ${parameters.database} into ${result.database} owned by ${result.owner} in ${result.durationMs} ms`,
        };
      } catch (error) {
        // The stable code first: the control plane records why the restore failed.
        const code = (error as { code?: unknown }).code;
        return {
          ok: false,
          message: `${typeof code === "string" ? `${code}: ` : ""}${describeError(error)}`,
        };
      }
    },
  };
}
