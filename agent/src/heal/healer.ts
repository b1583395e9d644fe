// Automatic rejoin, the side effects: observe (observe-heal.ts) → decide (decide-heal.ts, pure) → act.
// Runs beside the agent's report loop, one cycle per state interval and one rejoin attempt at a time.
// Acts only on this host: the engine's rejoin steps run locally, the primary is reached over libpq.
import { describeError, type Logger } from "@pgaas/common";
import type { AgentConfig, HealEvent, HealMember, HealState, StateSample } from "@pgaas/common/wire";
import {
  ensureSync,
  type Member,
  MemberCommands,
  memberLayout,
  pgStopImmediateCommand,
  rejoinNode,
  type SqlTarget,
  type SyncSpec,
  waitForRepmgrdWatching,
  waitForStreaming,
  writeFenceMarkerCommand,
} from "@pgaas/engine/self-heal";
import { decideHeal, type HealDecision, type HealSnapshot } from "./decide-heal.js";
import { localTransport } from "./local-transport.js";
import { observeLocal, observePeer, observeWitnessPrimary } from "./observe-heal.js";
import { peerSql } from "./peer-sql.js";
import { readSyncRecord, type SyncRecord, syncChanged, writeSyncRecord } from "./sync-record.js";

const FIRST_STATE_POLL_MS = 100;

const RETRY_BASE_MS = 5000;
const RETRY_MAX_MS = 60_000;
/** A rejoin attempt (rewind or clone, streaming, sync) that takes longer than this has failed. */
const STREAMING_TIMEOUT_MS = 60_000;

export type HealConfig = NonNullable<AgentConfig["heal"]>;

/** What the healer needs of the agent: its latest sample, and a way to report. */
export interface HealHooks {
  latestState(): StateSample | null;
  setHealState(state: HealState): void;
  reportHealEvent(event: HealEvent): void;
}

export interface HealerOptions {
  readonly pairName: string;
  readonly config: HealConfig;
  readonly intervalMs: number;
  readonly hooks: HealHooks;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export class Healer {
  readonly #o: HealerOptions;
  readonly #clock: () => number;
  readonly #node: MemberCommands;
  readonly #primary: SqlTarget;
  readonly #witness: SqlTarget;
  readonly #sync: SyncSpec;
  #syncRecord: SyncRecord | null = null;
  #failures = 0;
  #notBefore = 0;
  #announced: string | null = null;
  #lastDecision: HealDecision | null = null;
  #crashedSince: number | null = null;

  constructor(options: HealerOptions) {
    this.#o = options;
    this.#clock = options.clock ?? Date.now;
    const { config, pairName } = options;
    const transport = localTransport(config.node.name);
    const member = (m: HealMember, kind: Member["kind"]): Member => ({
      kind,
      ...m,
      layout: memberLayout({ name: pairName }, m.name),
    });
    this.#node = new MemberCommands(member(config.node, "node"), transport);
    this.#primary = peerSql(member(config.peer, "node"), transport);
    this.#witness = peerSql(member(config.witness, "witness"), transport);
    // Spec order is repmgr id order: synchronous_standby_names lists the nodes as the engine does.
    const nodes = [config.node, config.peer].sort((a, b) => a.id - b.id).map((n) => ({ name: n.name }));
    this.#sync = { nodes, replication: { mode: config.synchronous ? "synchronous" : "asynchronous" } };
  }

  lastDecision(): HealDecision | null {
    return this.#lastDecision;
  }

  async run(signal: AbortSignal): Promise<void> {
    this.#syncRecord = await readSyncRecord(this.#o.config.stateFile);
    while (!signal.aborted) {
      try {
        await this.cycle();
      } catch (error) {
        this.#o.logger.error("heal cycle failed", { error: describeError(error) });
      }
      // Until the first state sample exists, look again soon: the sync record written on the first
      // cycle with a sample is what later proves a rejoin safe, and a primary may die in its first second.
      await sleep(this.#o.hooks.latestState() === null ? FIRST_STATE_POLL_MS : this.#o.intervalMs, signal);
    }
  }

  /** One observe → decide → act round; resolves after any rejoin attempt it started has ended. */
  async cycle(): Promise<HealDecision | null> {
    const state = this.#o.hooks.latestState();
    if (state === null) return null;
    if (state.role === "primary" && !state.fenced) await this.#recordSync(state);
    const local = await observeLocal(state, this.#node.member, this.#node.transport);
    const needsPeer = local.role !== "standby";
    let peerError: string | undefined;
    const peer = needsPeer
      ? await observePeer(this.#primary, local.timeline, (error) => {
          peerError = describeError(error);
        })
      : null;
    const witnessPrimary = peer?.primary ? await observeWitnessPrimary(this.#witness) : null;
    const now = this.#clock();
    this.#crashedSince = local.role === "down" && local.crashedStandby ? (this.#crashedSince ?? now) : null;
    const snapshot: HealSnapshot = {
      now,
      crashedSince: this.#crashedSince,
      autoRejoin: this.#o.config.autoRejoin,
      maxAttempts: this.#o.config.maxAttempts,
      peerName: this.#o.config.peer.name,
      local,
      lastSync: this.#syncRecord,
      peer,
      witnessPrimary,
      attempt: { running: false, failures: this.#failures, notBefore: this.#notBefore },
    };
    const decision = decideHeal(snapshot);
    // Logged when it changes: a node that stays down says why it is not rejoining, once.
    if (decision.verdict !== this.#lastDecision?.verdict || decision.reason !== this.#lastDecision.reason) {
      this.#o.logger.info("heal decision", { verdict: decision.verdict, reason: decision.reason, peerError });
    }
    this.#lastDecision = decision;
    await this.#act(decision, local.role === "standby");
    return decision;
  }

  async #act(decision: HealDecision, standby: boolean): Promise<void> {
    switch (decision.verdict) {
      case "none":
        if (standby) {
          this.#failures = 0;
          this.#announced = null;
        }
        this.#o.hooks.setHealState("none");
        return;
      case "fence":
        return this.#fence(decision.reason);
      case "awaiting_decision":
        await this.#node.sh(
          writeFenceMarkerCommand(this.#node.member.layout, `awaiting decision: ${decision.reason}`),
          "heal.fence",
        );
        this.#o.hooks.setHealState("awaiting_decision");
        this.#announce("awaiting_decision", decision.reason);
        return;
      case "rejoin":
        return this.#rejoin(decision.reason);
      default: {
        const never: never = decision.verdict;
        throw new Error(`unhandled verdict ${String(never)}`);
      }
    }
  }

  /** A superseded primary: marker first (nothing may start it as primary again), then stop at once. */
  async #fence(reason: string): Promise<void> {
    const layout = this.#node.member.layout;
    await this.#node.sh(writeFenceMarkerCommand(layout, `fenced by the agent: ${reason}`), "heal.fence");
    await this.#node.sh(pgStopImmediateCommand(layout), "heal.stop", 60_000);
    this.#announce("superseded_fenced", reason);
  }

  async #rejoin(reason: string): Promise<void> {
    const attempt = this.#failures + 1;
    const started = this.#clock();
    this.#o.hooks.setHealState("rejoining");
    this.#event({ type: "rejoin_started", reason, durationMs: null, attempt, method: null });
    try {
      const layout = this.#node.member.layout;
      await this.#node.sh(writeFenceMarkerCommand(layout, `rejoining: ${reason}`), "heal.fence");
      const outcome = await rejoinNode(this.#primary, this.#node);
      await waitForStreaming(this.#sync, this.#primary, STREAMING_TIMEOUT_MS);
      await ensureSync(this.#sync, this.#primary);
      // The agent cannot restart repmgrd; it waits until repmgrd has left the old primary's monitoring.
      await waitForRepmgrdWatching(this.#node, this.#primary);
      this.#failures = 0;
      this.#notBefore = 0;
      this.#announced = null;
      this.#o.hooks.setHealState("none");
      const method = (outcome.detail ?? "").replace(/^rejoined by /, "") || null;
      this.#event({
        type: "rejoin_succeeded",
        reason: `streaming standby of ${this.#primary.name}, synchronous replication on, repmgrd monitoring`,
        durationMs: this.#clock() - started,
        attempt,
        method,
      });
    } catch (error) {
      this.#failures = attempt;
      this.#notBefore = this.#clock() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
      this.#o.hooks.setHealState("none");
      this.#event({
        type: "rejoin_failed",
        reason: describeError(error).slice(0, 2000),
        durationMs: this.#clock() - started,
        attempt,
        method: null,
      });
    }
  }

  /** Events that describe a standing condition are reported once per condition, not every cycle. */
  #announce(type: "awaiting_decision" | "superseded_fenced", reason: string): void {
    const key = `${type}:${reason}`;
    if (this.#announced === key) return;
    this.#announced = key;
    this.#event({ type, reason, durationMs: null, attempt: this.#failures, method: null });
  }

  #event(event: HealEvent): void {
    const log = event.type === "rejoin_failed" || event.type === "awaiting_decision" ? "warn" : "info";
    this.#o.logger[log]("heal event", { ...event });
    this.#o.hooks.reportHealEvent(event);
  }

  async #recordSync(state: StateSample): Promise<void> {
    const standby = state.streamingStandbys.find((s) => s.syncState === "sync" || s.syncState === "quorum");
    const record: SyncRecord = {
      observedAt: new Date(this.#clock()).toISOString(),
      timeline: state.timeline,
      lsn: state.lsn,
      syncState: state.syncState,
      syncStandby: standby?.name ?? null,
    };
    if (!syncChanged(this.#syncRecord, record)) return;
    await writeSyncRecord(this.#o.config.stateFile, record);
    this.#syncRecord = record;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
