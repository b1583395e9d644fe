// Pair-level parameters: ALTER SYSTEM on both nodes (a hot standby accepts it), reload, and report
// which parameters wait for a restart on which node.

import type { PairSettingsResponse } from "@pgaas/api";
import { UnavailableError } from "@pgaas/common";
import { PAIR_PARAMETERS, type ParameterValue } from "@pgaas/common/wire";
import { isConnectionError, NodeConnectError, withNode } from "../managed/primary-router.js";
import { alterSystemSql, PENDING_RESTART_SQL, RELOAD_SQL } from "../managed/settings-sql.js";
import type { Store } from "../store/db.js";
import { insertEvent } from "../store/events.js";
import { mergePairSettings } from "../store/pairs.js";
import type { Pairs } from "./pairs.js";
import { keptValues, validateParameters } from "./parameters.js";

// pg_reload_conf() only signals; give the backends a moment to re-read before asking pending_restart.
const RELOAD_SETTLE_MS = 150;

export interface PairSettings {
  update(pairId: string, settings: Readonly<Record<string, ParameterValue>>): Promise<PairSettingsResponse>;
}

export function createPairSettings(store: Store, pairs: Pairs): PairSettings {
  return {
    async update(pairId, settings) {
      const accepted = validateParameters(PAIR_PARAMETERS, settings);
      const kept = keptValues(accepted);
      const pair = await pairs.access(pairId);
      const nodes: PairSettingsResponse["nodes"] = [];
      const unreachable: string[] = [];
      for (const node of pair.nodes) {
        try {
          const pending = await withNode(node, "postgres", async (client) => {
            for (const [name, text] of accepted) await client.query(alterSystemSql(name, text));
            await client.query(RELOAD_SQL);
            await new Promise((resolve) => setTimeout(resolve, RELOAD_SETTLE_MS));
            const { rows } = await client.query<{ name: string }>(PENDING_RESTART_SQL);
            return rows.map((row) => row.name);
          });
          nodes.push({ node: node.nodeName, pendingRestart: pending });
        } catch (error) {
          if (!(error instanceof NodeConnectError) && !isConnectionError(error)) throw error;
          unreachable.push(node.nodeName);
        }
      }
      if (unreachable.length > 0) {
        throw new UnavailableError(
          "some nodes could not be reached; nothing recorded, retry when they are up",
          {
            code: "node_unreachable",
            details: { unreachable, applied: nodes.map((node) => node.node) },
          },
        );
      }
      const pendingRestart = nodes.some((node) => node.pendingRestart.length > 0);
      const merged = await store.transaction(async (db) => {
        const settings = await mergePairSettings(db, pairId, kept);
        await insertEvent(db, {
          pairId,
          nodeName: null,
          type: "settings_changed",
          message: `pair settings changed: ${accepted.map(([name, text]) => `${name}=${text}`).join(", ")}${pendingRestart ? " (restart pending)" : ""}`,
          occurredAt: new Date(),
          durationMs: null,
          details: { settings: kept, nodes },
        });
        return settings;
      });
      return { settings: merged, nodes, pendingRestart };
    },
  };
}
