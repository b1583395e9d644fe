// A look at the whole pair as of a point in time on this node: the engine's describePointInTimeOn over
// the local transport, the scratch instance on this host restored with the node's pgBackRest config
// (unix socket only) and removed also on failure. The control plane sends it to the standby when one
// streams, so the restore's I/O stays off the primary; there, the archiver's state and a WAL push for a
// recent time come from the primary over SQL (the standby's pgbackrest check cannot switch WAL).
// Contract: describe() never throws; success is pointInTimeMessage, a failure its code and reason.
import {
  type AgentConfig,
  type NodeRole,
  type PointInTimeParameters,
  pointInTimeMessage,
} from "@pgaas/common/wire";
import { archiveThroughPrimary, describePointInTimeOn, memberLayout } from "@pgaas/engine/self-heal";
import { localTransport } from "../heal/local-transport.js";
import { peerSql } from "../heal/peer-sql.js";
import { failureMessage } from "./failure-message.js";
import { localBackupNode } from "./local-node.js";

export interface PointInTimeDescriber {
  describe(
    parameters: PointInTimeParameters,
    role: "primary" | "standby",
  ): Promise<{ readonly ok: boolean; readonly message: string }>;
}

export function localPointInTimeDescriber(config: AgentConfig): PointInTimeDescriber | null {
  const local = localBackupNode(config);
  const heal = config.heal;
  if (local === null || heal === undefined) return null;
  const { stanza, node } = local;
  const primaryPeer = peerSql(
    { kind: "node", ...heal.peer, layout: memberLayout({ name: config.pairName }, heal.peer.name) },
    localTransport(heal.node.name),
  );
  const hostsFor = (role: NodeRole) =>
    role === "standby"
      ? {
          stanza,
          repository: node,
          primary: primaryPeer,
          archiveNow: () => archiveThroughPrimary(primaryPeer),
        }
      : { stanza, repository: node, primary: node };
  return {
    async describe(parameters, role) {
      try {
        const contents = await describePointInTimeOn(hostsFor(role), parameters);
        return { ok: true, message: pointInTimeMessage(contents) };
      } catch (error) {
        return { ok: false, message: failureMessage(error) };
      }
    },
  };
}
