// "Fully protected again", as the soak and the benchmarks judge a pair after a fault: a primary with a
// synchronous standby, the endpoint (VIP) on that primary alone, and the control plane showing the pair
// healthy with the same primary. One look; callers poll it with waitFor.

import { type PairHosts, type PairSpec, pairStatus } from "@pgaas/engine";
import type { ControlPlaneStack } from "./control-plane-stack.js";

/** The primary's name when the pair is fully protected, else undefined. */
export async function protectedPrimary(
  spec: PairSpec,
  hosts: PairHosts,
  cp: Pick<ControlPlaneStack, "pair">,
  pairId: string,
): Promise<string | undefined> {
  const [status, view] = await Promise.all([pairStatus(spec, hosts), cp.pair(pairId)]);
  const synchronous =
    status.replication === "synchronous" &&
    status.nodes.some((n) => n.role === "standby" && (n.syncState === "sync" || n.syncState === "quorum"));
  const protectedNow =
    synchronous &&
    status.primary !== null &&
    status.vipHolders.length === 1 &&
    status.vipHolders[0] === status.primary &&
    view.health === "healthy" &&
    view.primary === status.primary;
  return protectedNow ? (status.primary ?? undefined) : undefined;
}
