// Agent reports and command results.

import * as api from "@pgaas/api";
import type { Router } from "express";
import type { AgentIngest } from "../../services/agent-ingest.js";
import type { Metrics } from "../metrics.js";
import { type MountDeps, mount } from "../mount.js";

export function mountAgent(router: Router, deps: MountDeps, ingest: AgentIngest, metrics: Metrics): void {
  mount(router, deps, api.agentReport, async ({ actor, body }) => {
    const ack = await ingest.ingest(actor, body);
    metrics.countReports(ack.accepted, ack.duplicates);
    return ack;
  });
  mount(router, deps, api.agentCommandResult, async ({ actor, params, body }) =>
    ingest.commandResult(actor, params.id, body),
  );
}
