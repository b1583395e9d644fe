// This node as the engine's steps see it, run on its own host: the member the agent config names,
// over the local transport, with the pair's stanza. Shared by every backup operation the agent runs.
import type { AgentConfig } from "@pgaas/common/wire";
import { MemberCommands, memberLayout } from "@pgaas/engine/self-heal";
import { localTransport } from "../heal/local-transport.js";

export interface LocalBackupNode {
  readonly stanza: string;
  readonly node: MemberCommands;
}

/** Null without backups, or without the node's own member in the config (rendered before restores existed). */
export function localBackupNode(config: AgentConfig): LocalBackupNode | null {
  const { backup, heal } = config;
  if (backup === undefined || heal === undefined) return null;
  const node = new MemberCommands(
    { kind: "node", ...heal.node, layout: memberLayout({ name: config.pairName }, heal.node.name) },
    localTransport(heal.node.name),
  );
  return { stanza: backup.stanza, node };
}
