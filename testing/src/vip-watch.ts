// Samples which lab hosts hold the VIP, every ~200 ms, read straight from each namespace (not over
// SSH, so a partition or a vanished host cannot hide a holder). Bounded by count and time.
//
//   const watch = watchVip(lab, ["n1", "n2"], "10.231.20.100");
//   …drill…
//   const samples = await watch.stop();
//   expect(samples.filter((sample) => sample.holders.length > 1)).toEqual([]);
import type { LocalLab } from "@pgaas/engine/local";
import { hostExec } from "@pgaas/engine/testing";

export interface VipSample {
  readonly at: number;
  readonly holders: readonly string[];
}

export interface VipWatch {
  samples(): readonly VipSample[];
  stop(): Promise<readonly VipSample[]>;
}

/** The hosts among `names` whose interfaces carry `vip` right now. */
export async function vipHolders(lab: LocalLab, names: readonly string[], vip: string): Promise<string[]> {
  const holds = await Promise.all(
    names.map(async (name) => {
      const result = await hostExec(lab, name, ["ip", "-br", "-4", "addr", "show"], { timeoutMs: 5000 });
      return result.stdout.split(/\s+/).some((word) => word.split("/")[0] === vip);
    }),
  );
  return names.filter((_, index) => holds[index]);
}

export function watchVip(
  lab: LocalLab,
  names: readonly string[],
  vip: string,
  options: { intervalMs?: number; maxDurationMs?: number } = {},
): VipWatch {
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + (options.maxDurationMs ?? 300_000);
  const samples: VipSample[] = [];
  let stopped = false;
  const loop = (async () => {
    while (!stopped && Date.now() < deadline) {
      const at = Date.now();
      samples.push({ at, holders: await vipHolders(lab, names, vip) });
      const wait = intervalMs - (Date.now() - at);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  })();
  return {
    samples: () => [...samples],
    async stop() {
      stopped = true;
      await loop;
      return [...samples];
    },
  };
}

/**
 * Runs of two or more consecutive samples with more than one holder. A VRRP handover overlaps for the
 * milliseconds until the former master hears the new one's first advert (so a held VIP, in front of a
 * stopped PostgreSQL, is handed over), which one sample may catch; a split lasts, and shows in a row.
 */
export function vipSplits(samples: readonly VipSample[]): VipSample[][] {
  const splits: VipSample[][] = [];
  let run: VipSample[] = [];
  for (const sample of [...samples, { at: Number.POSITIVE_INFINITY, holders: [] }]) {
    if (sample.holders.length > 1) {
      run.push(sample);
      continue;
    }
    if (run.length > 1) splits.push(run);
    run = [];
  }
  return splits;
}
