// The agent's loop: observe → decide (pure, decide.ts) → act, logged every cycle. Everything here is
// plumbing around that one decision; each dependency is a small interface with a written contract.
import { describeError, type Logger } from "@pgaas/common";
import type {
  AgentCommand,
  AgentReport,
  BackupInventory,
  ClientAuthBundle,
  HealEvent,
  HealState,
  SlowQuery,
  StateSample,
} from "@pgaas/common/wire";
import { backoffDelayMs } from "./backoff.js";
import type { BackupRepository } from "./backup/backup-repository.js";
import type { CommandRunner } from "./commands/command-runner.js";
import type { ControlPlaneClient } from "./control-plane/client.js";
import { type Action, type Decision, decide, type Snapshot } from "./decide.js";
import { reactionTo } from "./errors.js";
import type { HostProbe } from "./host/host-probe.js";
import type { ClientAuth } from "./postgres/client-auth.js";
import type { PostgresProbe, PostgresState } from "./postgres/probe.js";
import { type Repmgr, type RepmgrStatus, UNREACHABLE_REPMGR } from "./repmgr/repmgr.js";
import { ReportFactory } from "./reports.js";
import type { DiskSpool, SpoolStats } from "./spool/disk-spool.js";
import type { SpoolClass } from "./spool/spool-line.js";
import { type ChangeKey, changeKeyOf, composeStateSample } from "./state-sample.js";

/** Largest batch replayed at once: the wire allows 500 reports; the control plane takes bodies up to 1 MB. */
const REPLAY_BATCH_REPORTS = 500;
const REPLAY_BATCH_BYTES = 512 * 1024;
/** Non-idle ticks run back to back (several things can be due at once), at most this many in a row. */
const MAX_BURST = 8;
/** Replay at most this many batches per tick so a long backlog does not starve state reports. */
const MAX_REPLAY_BATCHES = 20;
/** After a watched file changed (promotion, fencing), poll this often for a while: the role flips soon. */
const HURRY_POLL_MS = 200;
const HURRY_WINDOW_MS = 3000;
const COMMAND_RESULT_ATTEMPTS = 10;
/** Even when something is overdue, a loop that cannot make progress must not spin. */
const MIN_SLEEP_MS = 10;
const REMEMBERED_COMMANDS = 256;

export interface AgentOptions {
  readonly stateIntervalMs: number;
  readonly metricsIntervalMs: number;
  readonly probe: PostgresProbe;
  readonly repmgr: Repmgr;
  readonly host: HostProbe;
  readonly controlPlane: ControlPlaneClient;
  readonly commands: CommandRunner;
  /** The pair's pgBackRest repository; absent: no backups configured. */
  readonly backups?: BackupRepository;
  /** The client CA and CRL in force; absent: certificate authentication is not set up here. */
  readonly clientAuth?: ClientAuth;
  /** The node's slow statements since the last call (its jsonlog); absent: not reported. */
  readonly slowQueries?: { read(): Promise<SlowQuery[]> };
  readonly spool: DiskSpool;
  readonly logger: Logger;
  readonly clock?: () => number;
  readonly random?: () => number;
}

export interface AgentCounters {
  readonly ticks: Readonly<Record<Action, number>>;
  readonly reportsDelivered: number;
  readonly reportsRejected: number;
  readonly controlPlaneFailures: number;
  readonly bugs: number;
  readonly commandsSucceeded: number;
  readonly commandsFailed: number;
}

export interface AgentStatus {
  readonly startedAt: string;
  readonly lastTickAt: number | null;
  readonly lastDecision: Decision | null;
  readonly state: StateSample | null;
  readonly controlPlaneFailures: number;
  readonly lastDeliveryAt: number | null;
  readonly spool: SpoolStats;
  readonly counters: AgentCounters;
}

type Delivery = "send" | "spool" | "urgent";

export class Agent {
  readonly #o: AgentOptions;
  readonly #clock: () => number;
  readonly #random: () => number;
  readonly #startedAt: Date;
  readonly #reports: ReportFactory;
  #lastReported: ChangeKey | null = null;
  #nextStateAt: number;
  #nextMetricsAt: number;
  #failures = 0;
  #retryAt = 0;
  #lastDeliveryAt: number | null = null;
  readonly #pending: AgentCommand[] = [];
  readonly #seenCommands: string[] = [];
  #running: string | null = null;
  #commandTask: Promise<void> = Promise.resolve();
  #lastState: StateSample | null = null;
  #lastTickAt: number | null = null;
  #lastDecision: Decision | null = null;
  #hurryUntil = 0;
  #heal: HealState = "none";
  readonly #healEvents: HealEvent[] = [];
  #wake: (() => void) | null = null;
  readonly #counters = {
    ticks: {
      report_state_change: 0,
      report_state: 0,
      report_metrics: 0,
      report_heal_events: 0,
      spool_state: 0,
      spool_metrics: 0,
      replay: 0,
      run_command: 0,
      idle: 0,
    } satisfies Record<Action, number>,
    reportsDelivered: 0,
    reportsRejected: 0,
    controlPlaneFailures: 0,
    bugs: 0,
    commandsSucceeded: 0,
    commandsFailed: 0,
  };

  constructor(options: AgentOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#startedAt = new Date(this.#clock());
    this.#reports = new ReportFactory(this.#startedAt);
    this.#nextStateAt = this.#startedAt.getTime();
    this.#nextMetricsAt = this.#startedAt.getTime();
  }

  /** One cycle: take a snapshot, decide, act, log. Throws only for bugs (the loop logs and carries on). */
  async tick(): Promise<Decision> {
    const snapshot = await this.#observe();
    const decision = decide(snapshot);
    this.#counters.ticks[decision.action] += 1;
    this.#lastTickAt = snapshot.now;
    this.#lastDecision = decision;
    this.#o.logger.info("tick", { action: decision.action, reason: decision.reason });
    await this.#act(decision, snapshot);
    return decision;
  }

  /** Runs ticks until `signal` aborts: back to back while there is work, else until the next thing is due. */
  async run(signal: AbortSignal): Promise<void> {
    let burst = 0;
    while (!signal.aborted) {
      let sleepMs: number;
      try {
        const decision = await this.tick();
        sleepMs = this.#msUntilNextWake();
        if (decision.action !== "idle" && sleepMs <= 0 && burst < MAX_BURST) {
          burst += 1;
          continue;
        }
      } catch (error) {
        this.#bug("tick failed", error);
        sleepMs = this.#o.stateIntervalMs;
      }
      burst = 0;
      await this.#sleep(Math.max(sleepMs, MIN_SLEEP_MS), signal);
    }
  }

  /** Ends the current sleep now; `hurry` polls fast for a few seconds (a watched file changed). */
  wake(options: { hurry?: boolean } = {}): void {
    if (options.hurry) this.#hurryUntil = this.#clock() + HURRY_WINDOW_MS;
    this.#wake?.();
  }

  /** The healer's state for this node, part of every state sample (a change is reported at once). */
  setHealState(state: HealState): void {
    if (this.#heal === state) return;
    this.#heal = state;
    this.wake();
  }

  /** Queues an automatic-rejoin event; it is reported (or spooled) like a state change. */
  reportHealEvent(event: HealEvent): void {
    this.#healEvents.push(event);
    this.wake();
  }

  /** Resolves when the command started last has finished and its result was posted (or given up on). */
  commandsSettled(): Promise<void> {
    return this.#commandTask;
  }

  status(): AgentStatus {
    return {
      startedAt: this.#startedAt.toISOString(),
      lastTickAt: this.#lastTickAt,
      lastDecision: this.#lastDecision,
      state: this.#lastState,
      controlPlaneFailures: this.#failures,
      lastDeliveryAt: this.#lastDeliveryAt,
      spool: this.#o.spool.stats(),
      counters: { ...this.#counters, ticks: { ...this.#counters.ticks } },
    };
  }

  async #observe(): Promise<Snapshot> {
    const now = this.#clock();
    const [fenced, pg] = await Promise.all([this.#o.host.fenced(), this.#readPostgres()]);
    const repmgr = pg.state ? await this.#readRepmgr() : UNREACHABLE_REPMGR;
    const state = composeStateSample({
      postgres: pg.state,
      error: pg.error,
      fenced,
      repmgr,
      heal: this.#heal,
      ...(this.#o.clientAuth ? { clientAuthVersion: this.#o.clientAuth.version() } : {}),
    });
    this.#lastState = state;
    return {
      now,
      state,
      lastReported: this.#lastReported,
      nextStateAt: this.#nextStateAt,
      nextMetricsAt: this.#nextMetricsAt,
      spooled: this.#o.spool.stats().reports,
      controlPlaneFailures: this.#failures,
      retryAt: this.#retryAt,
      pendingCommands: [...this.#pending],
      runningCommand: this.#running,
      healEvents: this.#healEvents.length,
    };
  }

  async #readPostgres(): Promise<{ state: PostgresState | null; error: string | null }> {
    try {
      return { state: await this.#o.probe.readState(), error: null };
    } catch (error) {
      if (reactionTo(error) !== "report_down") throw error;
      return { state: null, error: describeError(error) };
    }
  }

  async #readRepmgr(): Promise<RepmgrStatus> {
    try {
      return await this.#o.repmgr.readStatus();
    } catch (error) {
      this.#o.logger.warn("repmgr status unavailable", { error: describeError(error) });
      return { nodeId: null, status: "unavailable", upstreamNode: null };
    }
  }

  async #act(decision: Decision, s: Snapshot): Promise<void> {
    switch (decision.action) {
      case "report_state_change":
        this.#lastReported = changeKeyOf(s.state);
        this.#nextStateAt = s.now + this.#o.stateIntervalMs;
        return this.#deliver("change", this.#reports.state(s.state, new Date(s.now)), "urgent");
      case "report_state":
      case "spool_state":
        this.#lastReported = changeKeyOf(s.state);
        this.#nextStateAt = nextDue(s.nextStateAt, this.#o.stateIntervalMs, s.now);
        return this.#deliver(
          "state",
          this.#reports.state(s.state, new Date(s.now)),
          decision.action === "report_state" ? "send" : "spool",
        );
      case "report_metrics":
      case "spool_metrics": {
        this.#nextMetricsAt = nextDue(s.nextMetricsAt, this.#o.metricsIntervalMs, s.now);
        const report = await this.#metricsReport(s);
        return this.#deliver("metrics", report, decision.action === "report_metrics" ? "send" : "spool");
      }
      case "report_heal_events":
        for (const event of this.#healEvents.splice(0)) {
          await this.#deliver("change", this.#reports.heal(event, new Date(s.now)), "urgent");
        }
        return;
      case "replay":
        return this.#replay();
      case "run_command":
        return this.#startCommand(s);
      case "idle":
        return;
      default: {
        const never: never = decision.action;
        throw new Error(`unhandled action ${String(never)}`);
      }
    }
  }

  async #metricsReport(s: Snapshot): Promise<AgentReport> {
    const databases =
      s.state.role === "down"
        ? []
        : await this.#o.probe.readDatabaseMetrics().catch((error) => {
            if (reactionTo(error) !== "report_down") throw error;
            return [];
          });
    const backups = s.state.role === "primary" ? await this.#backupInventory() : undefined;
    return this.#reports.metrics(
      databases,
      await this.#o.host.metrics(),
      new Date(s.now),
      backups,
      await this.#slowQueries(),
    );
  }

  /** An unreadable log must not cost the metrics: report without slow statements. */
  async #slowQueries(): Promise<SlowQuery[] | undefined> {
    const log = this.#o.slowQueries;
    if (log === undefined) return undefined;
    try {
      return await log.read();
    } catch (error) {
      this.#o.logger.warn("cannot read the slow-query log", { error: describeError(error) });
      return undefined;
    }
  }

  /** A repository that does not answer must not cost the metrics: report without an inventory. */
  async #backupInventory(): Promise<BackupInventory | undefined> {
    if (!this.#o.backups) return undefined;
    try {
      return await this.#o.backups.inventory();
    } catch (error) {
      this.#o.logger.warn("backup inventory unavailable", { error: describeError(error) });
      return undefined;
    }
  }

  /** Sends one report now, or spools it; an urgent one jumps the backoff but not the spool's order. */
  async #deliver(kind: SpoolClass, report: AgentReport, how: Delivery): Promise<void> {
    const entry = { class: kind, report };
    if (how === "spool" || (how === "urgent" && this.#o.spool.stats().reports > 0)) {
      await this.#o.spool.append(entry);
      if (how === "urgent") await this.#replay();
      return;
    }
    try {
      await this.#send([report]);
    } catch (error) {
      if (reactionTo(error) !== "spool") throw error;
      await this.#o.spool.append(entry);
    }
  }

  async #replay(): Promise<void> {
    for (let batchNo = 0; batchNo < MAX_REPLAY_BATCHES; batchNo += 1) {
      const batch = await this.#o.spool.peek(REPLAY_BATCH_REPORTS, REPLAY_BATCH_BYTES);
      if (batch.reports.length === 0) return;
      const ids = new Set(batch.reports.map((report) => report.reportId));
      try {
        await this.#send(batch.reports);
      } catch (error) {
        if (reactionTo(error) === "spool") return;
        throw error;
      }
      await this.#o.spool.remove(ids);
    }
  }

  /**
   * Posts reports and handles the answer. A refused batch (the server will never take it) is counted
   * and dropped here; "control plane down" is re-thrown after the backoff is set, for the caller to spool.
   */
  async #send(reports: readonly AgentReport[]): Promise<void> {
    try {
      const ack = await this.#o.controlPlane.sendReports({ reports: [...reports] });
      this.#failures = 0;
      this.#lastDeliveryAt = this.#clock();
      this.#counters.reportsDelivered += reports.length;
      this.#accept(ack.commands);
      if (ack.clientAuth) await this.#applyClientAuth(ack.clientAuth);
    } catch (error) {
      switch (reactionTo(error)) {
        case "spool":
          this.#failures += 1;
          this.#counters.controlPlaneFailures += 1;
          this.#retryAt = this.#clock() + backoffDelayMs(this.#failures, this.#random);
          this.#o.logger.warn("control plane down; spooling", {
            error: describeError(error),
            failures: this.#failures,
            retryInMs: this.#retryAt - this.#clock(),
          });
          throw error;
        case "drop_batch":
          this.#failures = 0;
          this.#counters.reportsRejected += reports.length;
          this.#o.logger.error("control plane refused reports; dropped", {
            error: describeError(error),
            reports: reports.length,
          });
          return;
        default:
          throw error;
      }
    }
  }

  /** A bundle that cannot be applied now is sent again with the next acknowledgement. */
  async #applyClientAuth(bundle: ClientAuthBundle): Promise<void> {
    if (!this.#o.clientAuth) return;
    const before = this.#o.clientAuth.version();
    try {
      await this.#o.clientAuth.apply(bundle);
      if (before !== bundle.version)
        this.#o.logger.info("client CA and CRL applied", { from: before, to: bundle.version });
    } catch (error) {
      this.#o.logger.warn("client CA and CRL not applied", {
        version: bundle.version,
        error: describeError(error),
      });
    }
  }

  #accept(commands: readonly AgentCommand[]): void {
    for (const command of commands) {
      if (this.#seenCommands.includes(command.id)) continue;
      this.#seenCommands.push(command.id);
      if (this.#seenCommands.length > REMEMBERED_COMMANDS) this.#seenCommands.shift();
      this.#pending.push(command);
      this.#o.logger.info("command received", { commandId: command.id, type: command.type });
    }
  }

  #startCommand(s: Snapshot): void {
    const command = this.#pending.shift();
    if (!command) return;
    this.#running = command.id;
    this.#commandTask = this.#runCommand(command, s.state.role).finally(() => {
      this.#running = null;
      this.wake();
    });
  }

  async #runCommand(command: AgentCommand, role: StateSample["role"]): Promise<void> {
    const log = this.#o.logger.child({ commandId: command.id, type: command.type });
    log.info("command started", { role });
    const result = await this.#o.commands.run(command, role);
    if (result.outcome === "succeeded") this.#counters.commandsSucceeded += 1;
    else this.#counters.commandsFailed += 1;
    log.info("command finished", { outcome: result.outcome, message: result.message });
    for (let attempt = 1; attempt <= COMMAND_RESULT_ATTEMPTS; attempt += 1) {
      try {
        await this.#o.controlPlane.sendCommandResult(command.id, result);
        return;
      } catch (error) {
        if (reactionTo(error) !== "spool") {
          log.error("control plane refused the command result", { error: describeError(error) });
          return;
        }
        await delay(backoffDelayMs(attempt, this.#random));
      }
    }
    log.error("gave up posting the command result", { attempts: COMMAND_RESULT_ATTEMPTS });
  }

  /** Milliseconds until something is due (≤ 0: now), at most one state interval. */
  #msUntilNextWake(): number {
    const now = this.#clock();
    const candidates = [this.#nextStateAt, this.#nextMetricsAt];
    if (this.#o.spool.stats().reports > 0) candidates.push(this.#failures > 0 ? this.#retryAt : now);
    if (this.#hurryUntil > now) candidates.push(now + HURRY_POLL_MS);
    if (this.#pending.length > 0 && this.#running === null) candidates.push(now);
    if (this.#healEvents.length > 0) candidates.push(now);
    return Math.min(Math.min(...candidates) - now, this.#o.stateIntervalMs);
  }

  #sleep(ms: number, signal: AbortSignal): Promise<void> {
    // Aborted during the tick: the "abort" event has fired already and would never end this sleep.
    if (signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        this.#wake = null;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
      this.#wake = done;
    });
  }

  #bug(message: string, error: unknown): void {
    this.#counters.bugs += 1;
    this.#o.logger.error(`bug: ${message}`, {
      error: describeError(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
  }
}

/** The next due time on the interval grid, never in the past (missed slots are skipped, not replayed). */
function nextDue(due: number, interval: number, now: number): number {
  const next = due + interval;
  return next > now ? next : now + interval;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
