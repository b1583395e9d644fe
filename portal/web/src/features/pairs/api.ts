import { listPairEvents, listPairs, type Pair, type PairEvent } from "@pgaas/api";
import { callRoute } from "../../lib/api-client.js";
import { useQuery } from "../../lib/use-query.js";

export interface PairOverview {
  pair: Pair;
  /** The newest failover or completed switchover, null when the pair never changed primary. */
  lastFailover: PairEvent | null;
}

const PRIMARY_CHANGES: ReadonlySet<PairEvent["type"]> = new Set(["failover", "switchover_succeeded"]);

async function fetchOverview(signal: AbortSignal): Promise<PairOverview[]> {
  const { pairs } = await callRoute(listPairs, { signal });
  return Promise.all(
    pairs.map(async (pair) => {
      const { events } = await callRoute(listPairEvents, {
        params: { id: pair.id },
        query: { limit: 100 },
        signal,
      });
      return { pair, lastFailover: events.find((event) => PRIMARY_CHANGES.has(event.type)) ?? null };
    }),
  );
}

/** Pairs with their nodes and last failover, refreshed every 5 s (the agents report every 5 s). */
export function usePairsOverview() {
  return useQuery("pairs-overview", fetchOverview, { refreshMs: 5000 });
}
