// The host facts a tick needs, behind one small interface so decision tests can
// set them. Contract: `fenced()` never throws (fails closed); `metrics()` throws on an unreadable host.
import type { HostMetrics } from "@pgaas/common/wire";
import { isFenced } from "./fence-marker.js";
import { readHostMetrics } from "./host-metrics.js";

export interface HostProbe {
  fenced(): Promise<boolean>;
  metrics(): Promise<HostMetrics>;
}

export function systemHostProbe(options: { fenceMarkerFile: string; dataDir: string }): HostProbe {
  return {
    fenced: () => isFenced(options.fenceMarkerFile),
    metrics: () => readHostMetrics(options.dataDir),
  };
}
