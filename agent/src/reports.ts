// Builds wire reports: a fresh reportId each (the control plane de-duplicates replays by it), a
// sequence that orders reports of one agent process, and the time the sample was taken.
import { randomUUID } from "node:crypto";
import {
  type BackupInventory,
  type DatabaseMetrics,
  type HealEvent,
  HealReport,
  type HostMetrics,
  MetricsReport,
  type SlowQuery,
  StateReport,
  type StateSample,
} from "@pgaas/common/wire";

export class ReportFactory {
  readonly #agentStartedAt: string;
  #sequence = 0;

  constructor(agentStartedAt: Date) {
    this.#agentStartedAt = agentStartedAt.toISOString();
  }

  /** Parsed on the way out: a report the schema refuses is a bug here, not a problem for the server. */
  state(state: StateSample, sampledAt: Date): StateReport {
    return StateReport.parse({ ...this.#identity(sampledAt), kind: "state", state });
  }

  metrics(
    databases: DatabaseMetrics[],
    host: HostMetrics,
    sampledAt: Date,
    backups?: BackupInventory,
    slowQueries?: SlowQuery[],
  ): MetricsReport {
    return MetricsReport.parse({
      ...this.#identity(sampledAt),
      kind: "metrics",
      databases,
      host,
      ...(backups ? { backups } : {}),
      ...(slowQueries && slowQueries.length > 0 ? { slowQueries } : {}),
    });
  }

  heal(event: HealEvent, occurredAt: Date): HealReport {
    return HealReport.parse({ ...this.#identity(occurredAt), kind: "heal", event });
  }

  #identity(sampledAt: Date) {
    const sequence = this.#sequence;
    this.#sequence += 1;
    return {
      reportId: randomUUID(),
      sampledAt: sampledAt.toISOString(),
      sequence,
      agentStartedAt: this.#agentStartedAt,
    };
  }
}
