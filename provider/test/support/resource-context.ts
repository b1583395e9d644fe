// A ResourceContext for handler tests: the structured log and the warnings the engine would show.
import { memoryLogger } from "@pgaas/common";
import type { ResourceContext } from "../../src/resources/resource-handler.js";

export function recordingContext(
  config: ResourceContext["config"] = { controlPlaneUrl: undefined, apiToken: undefined },
) {
  const warnings: string[] = [];
  const log = memoryLogger();
  const context: ResourceContext = {
    config,
    log,
    warn: async (message) => {
      warnings.push(message);
    },
  };
  return { context, log, warnings };
}
