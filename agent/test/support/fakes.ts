// In-memory implementations of the agent's small interfaces, for decision and tick tests.

import { memoryLogger } from "@pgaas/common";
import type {
  AgentCommand,
  AgentCommandResult,
  AgentReport,
  AgentReportAck,
  AgentReportBatch,
  BackupInventory,
  BackupType,
  ClientAuthBundle,
  DatabaseMetrics,
  HostMetrics,
  SlowQuery,
} from "@pgaas/common/wire";
import { Agent } from "../../src/agent.js";
import type { BackupRepository } from "../../src/backup/backup-repository.js";
import type { CommandRunner } from "../../src/commands/command-runner.js";
import type { ControlPlaneClient } from "../../src/control-plane/client.js";
import {
  ControlPlaneDownError,
  ControlPlaneRejectedError,
  PostgresUnreachableError,
} from "../../src/errors.js";
import type { HostProbe } from "../../src/host/host-probe.js";
import type { ClientAuth } from "../../src/postgres/client-auth.js";
import type { PostgresProbe, PostgresState } from "../../src/postgres/probe.js";
import type { CommandOutput, Repmgr, RepmgrStatus } from "../../src/repmgr/repmgr.js";
import { DiskSpool } from "../../src/spool/disk-spool.js";

export const PRIMARY: PostgresState = {
  inRecovery: false,
  readOnly: false,
  timeline: 1,
  lsn: "0/3000148",
  receiveLsn: null,
  lagBytes: 0,
  lagSeconds: 0,
  synchronousStandbyNames: "ANY 1 (n1, n2)",
  streamingStandbys: [{ name: "n2", state: "streaming", syncState: "quorum" }],
  postmasterStartedAt: "2026-11-29T20:00:00.000Z",
  pendingRestart: false,
};

export const STANDBY: PostgresState = {
  inRecovery: true,
  readOnly: false,
  timeline: 1,
  lsn: "0/3000148",
  receiveLsn: "0/3000148",
  lagBytes: 0,
  lagSeconds: 0,
  synchronousStandbyNames: "",
  streamingStandbys: [],
  postmasterStartedAt: "2026-11-29T20:00:01.000Z",
  pendingRestart: false,
};

export const HOST: HostMetrics = {
  dataDiskUsedBytes: 1_000_000,
  dataDiskTotalBytes: 10_000_000,
  load1: 0.5,
  memoryUsedBytes: 500_000_000,
  memoryTotalBytes: 2_000_000_000,
};

export const APP_DB: DatabaseMetrics = {
  name: "app",
  sizeBytes: 8_000_000,
  connections: { active: 1, idle: 2, idleInTransaction: 0, other: 0 },
  xactCommit: 100,
  xactRollback: 1,
  blksRead: 10,
  blksHit: 990,
  deadlocks: 0,
  tempBytes: 0,
  statsResetAt: null,
};

export class MemoryProbe implements PostgresProbe {
  state: PostgresState | "down" = PRIMARY;
  databases: DatabaseMetrics[] = [APP_DB];
  readStateCalls = 0;

  async readState(): Promise<PostgresState> {
    this.readStateCalls += 1;
    if (this.state === "down")
      throw new PostgresUnreachableError("connect ECONNREFUSED /run/pg/.s.PGSQL.5432");
    return this.state;
  }
  async readDatabaseMetrics(): Promise<DatabaseMetrics[]> {
    if (this.state === "down")
      throw new PostgresUnreachableError("connect ECONNREFUSED /run/pg/.s.PGSQL.5432");
    return this.databases;
  }
  async acceptsWrites(): Promise<boolean> {
    if (this.state === "down")
      throw new PostgresUnreachableError("connect ECONNREFUSED /run/pg/.s.PGSQL.5432");
    return !this.state.inRecovery && !this.state.readOnly;
  }
  async close(): Promise<void> {}
}

export class MemoryRepmgr implements Repmgr {
  status: RepmgrStatus = { nodeId: 1, status: "running", upstreamNode: null };
  switchover: CommandOutput = { exitCode: 0, output: "NOTICE: switchover was successful" };
  switchovers = 0;
  async readStatus(): Promise<RepmgrStatus> {
    return this.status;
  }
  async standbySwitchover(): Promise<CommandOutput> {
    this.switchovers += 1;
    return this.switchover;
  }
  async close(): Promise<void> {}
}

export class MemoryHost implements HostProbe {
  isFenced = false;
  async fenced(): Promise<boolean> {
    return this.isFenced;
  }
  async metrics(): Promise<HostMetrics> {
    return HOST;
  }
}

/** A control plane that records what it accepted, de-duplicates by reportId, and can be "down". */
export class MemoryControlPlane implements ControlPlaneClient {
  mode: "up" | "down" | "reject" = "up";
  readonly batches: AgentReport[][] = [];
  readonly accepted: AgentReport[] = [];
  readonly results: Array<{ id: string; result: AgentCommandResult }> = [];
  commands: AgentCommand[] = [];
  /** Sent with every acknowledgement while set (the real one sends it to a stale node only). */
  clientAuth: ClientAuthBundle | undefined = undefined;
  attempts = 0;

  async sendReports(batch: AgentReportBatch): Promise<AgentReportAck> {
    this.attempts += 1;
    if (this.mode === "down") throw new ControlPlaneDownError("connect ECONNREFUSED 10.231.40.1:8080");
    if (this.mode === "reject") throw new ControlPlaneRejectedError("control plane answered 400");
    this.batches.push(batch.reports);
    let duplicates = 0;
    for (const report of batch.reports) {
      if (this.accepted.some((seen) => seen.reportId === report.reportId)) duplicates += 1;
      else this.accepted.push(report);
    }
    return {
      accepted: batch.reports.length - duplicates,
      duplicates,
      commands: this.commands,
      ...(this.clientAuth ? { clientAuth: this.clientAuth } : {}),
    };
  }

  async sendCommandResult(id: string, result: AgentCommandResult): Promise<void> {
    if (this.mode === "down") throw new ControlPlaneDownError("connect ECONNREFUSED 10.231.40.1:8080");
    this.results.push({ id, result });
  }
}

/** A command runner that records calls and answers with a fixed outcome. */
export function memoryCommandRunner(): CommandRunner & {
  readonly runs: Array<{ id: string; role: string }>;
} {
  const runs: Array<{ id: string; role: string }> = [];
  return {
    runs,
    async run(command, role) {
      runs.push({ id: command.id, role });
      return {
        outcome: "succeeded",
        startedAt: "2026-11-29T21:00:00.000Z",
        finishedAt: "2026-11-29T21:00:04.000Z",
        message: "switchover completed",
      };
    },
  };
}

/** A pgBackRest repository in memory: a fixed inventory (or a failure) and recorded backups. */
export class MemoryBackups implements BackupRepository {
  inventoryResult: BackupInventory | Error;
  backupResult: CommandOutput = { exitCode: 0, output: "" };
  readonly taken: BackupType[] = [];

  constructor(inventory: BackupInventory) {
    this.inventoryResult = inventory;
  }

  async inventory(): Promise<BackupInventory> {
    if (this.inventoryResult instanceof Error) throw this.inventoryResult;
    return this.inventoryResult;
  }

  async take(type: BackupType): Promise<CommandOutput> {
    this.taken.push(type);
    return this.backupResult;
  }
}

/** An Agent wired to in-memory dependencies, a real spool in `dir` and a clock the test moves. */
export async function memoryAgent(
  dir: string,
  start: number,
  options: {
    stateIntervalMs?: number;
    backups?: BackupRepository;
    clientAuth?: ClientAuth;
    slowQueries?: { read(): Promise<SlowQuery[]> };
  } = {},
) {
  const clock = { now: start };
  const logger = memoryLogger("agent");
  const probe = new MemoryProbe();
  const repmgr = new MemoryRepmgr();
  const host = new MemoryHost();
  const controlPlane = new MemoryControlPlane();
  const commands = memoryCommandRunner();
  const spool = await DiskSpool.open({ dir, maxBytes: 1024 * 1024, logger });
  const agent = new Agent({
    stateIntervalMs: options.stateIntervalMs ?? 2000,
    metricsIntervalMs: 15_000,
    probe,
    repmgr,
    host,
    controlPlane,
    commands,
    ...(options.backups ? { backups: options.backups } : {}),
    ...(options.clientAuth ? { clientAuth: options.clientAuth } : {}),
    ...(options.slowQueries ? { slowQueries: options.slowQueries } : {}),
    spool,
    logger,
    clock: () => clock.now,
    random: () => 0,
  });
  return { clock, logger, probe, repmgr, host, controlPlane, commands, spool, agent };
}

/** Client auth in memory: records the versions applied; `failing` makes apply throw (PostgreSQL down). */
export class MemoryClientAuth implements ClientAuth {
  current: number | null = null;
  failing = false;
  readonly applied: number[] = [];
  version(): number | null {
    return this.current;
  }
  async apply(bundle: ClientAuthBundle): Promise<void> {
    if (bundle.version === this.current) return;
    if (this.failing) throw new PostgresUnreachableError("PostgreSQL query failed: connect ENOENT");
    this.applied.push(bundle.version);
    this.current = bundle.version;
  }
}
