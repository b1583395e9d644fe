// A lab in a claimed slot, created fresh: claim a subnet/prefix from the range, remove whatever a
// crashed earlier run left in that slot, create the lab. `release()` destroys it and frees the claim.
// Used by the vitest fixture (lab.ts) and by benchmarks, which run outside vitest.
import { createLocalLab, destroyLab, type LocalLab } from "@pgaas/engine/local";
import { allocateSubnet, type SubnetClaim, type SubnetRange } from "./subnet-allocation.js";

export interface ClaimedLab {
  readonly lab: LocalLab;
  readonly claim: SubnetClaim;
  /** Destroys the lab and frees the claim (idempotent; the claim is freed even if destroy fails). */
  release(): Promise<void>;
}

export async function claimFreshLab(range: SubnetRange, hosts: readonly string[]): Promise<ClaimedLab> {
  const claim = await allocateSubnet(range);
  try {
    await destroyLab(claim.stateDir);
    const lab = await createLocalLab({
      prefix: claim.prefix,
      subnet: claim.subnet,
      hosts,
      stateDir: claim.stateDir,
    });
    return { lab, claim, release: () => destroyLab(claim.stateDir).finally(() => claim.release()) };
  } catch (error) {
    await destroyLab(claim.stateDir).catch(() => undefined);
    await claim.release();
    throw error;
  }
}
