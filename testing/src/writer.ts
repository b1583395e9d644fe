// A bounded writer for failover drills: inserts one sequence number every 100 ms through the endpoint
// and records which inserts were ACKNOWLEDGED (COMMIT returned, no "canceling wait for synchronous
// replication" warning). Only acknowledged rows must survive a failover: a cancelled synchronous
// COMMIT may still turn out committed, so unacknowledged rows prove nothing either way.
//
//   const writer = await startWriter({ host: vip, port: 5432, user: "pgaas_admin", password, table: "drill" });
//   const killedAt = Date.now(); …kill the primary…
//   const resumedAt = await writer.firstAckAfter(killedAt, 30_000);   // writes accepted again
//   const report = await writer.stop();
//   const check = await verifyAcknowledged(report, { host: newPrimaryAddress, port: 5432, user, password });
//   expect(check.missing).toEqual([]);
//
// Bounded in count (maxRows) and time (maxDurationMs); each attempt is bounded by a connect timeout
// (2 s by default, libpq's minimum) and a statement timeout.
import type { ConnectionOptions } from "node:tls";
import { sqlIdent } from "@pgaas/common";
import pg from "pg";

export interface WriterTarget {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database?: string;
  /** A pair's CA (verify-full, see pairSsl); false only for a throwaway server on the test host. */
  readonly ssl: ConnectionOptions | false;
}

export interface WriterOptions extends WriterTarget {
  /** Table to write into; created when missing, must be new for each drill. */
  readonly table: string;
  readonly intervalMs?: number;
  /** Stop after this many attempts. Default 3000. */
  readonly maxRows?: number;
  /** Stop after this long. Default 180 000. */
  readonly maxDurationMs?: number;
  /** Server-side statement timeout and client-side read timeout (+2 s). Default 10 000. */
  readonly statementTimeoutMs?: number;
  /**
   * Client-side read timeout; default statementTimeoutMs + 2000. A benchmark that measures when the
   * endpoint accepts writes again uses less: a write in flight to a host that vanished otherwise waits it
   * out, which measures the client, not the endpoint.
   */
  readonly queryTimeoutMs?: number;
  /**
   * Per connection attempt. Default 2000, libpq's minimum. A benchmark that measures when the endpoint
   * accepts writes again uses less: a SYN sent while the VIP moves is otherwise retried only after the
   * kernel's 1 s retransmission timeout, which measures the client, not the endpoint.
   */
  readonly connectTimeoutMs?: number;
}

export type AttemptOutcome = "acked" | "failed" | "unconfirmed";

export interface WriteAttempt {
  readonly seq: number;
  readonly startedAt: number;
  readonly endedAt: number;
  /** acked: COMMIT returned; unconfirmed: committed locally but the sync wait was cancelled; failed: error. */
  readonly outcome: AttemptOutcome;
  readonly error?: string;
}

export interface Outage {
  /** Time of the last acknowledgement before the gap. */
  readonly lastAckAt: number;
  /** Time of the first acknowledgement after it. */
  readonly firstAckAt: number;
  readonly durationMs: number;
}

export interface WriterReport {
  readonly table: string;
  readonly attempts: readonly WriteAttempt[];
  readonly acked: readonly number[];
  readonly failed: number;
  readonly unconfirmed: number;
  /** Gaps between consecutive acknowledgements longer than 1 s. */
  readonly outages: readonly Outage[];
}

export interface Writer {
  /** Resolves with the time of the first acknowledgement that started after `time` (bounded wait). */
  firstAckAfter(time: number, timeoutMs: number): Promise<number>;
  /** Attempts so far (a snapshot). */
  attempts(): readonly WriteAttempt[];
  stop(): Promise<WriterReport>;
}

const OUTAGE_THRESHOLD_MS = 1000;
const SYNC_CANCEL = /canceling wait for synchronous replication/i;

interface ClientTimeouts {
  readonly statementTimeoutMs: number;
  readonly queryTimeoutMs: number;
  readonly connectTimeoutMs: number;
}

/** Setup and verification: the defaults, patient enough for a loaded machine. */
const DEFAULT_TIMEOUTS: ClientTimeouts = {
  statementTimeoutMs: 10_000,
  queryTimeoutMs: 12_000,
  connectTimeoutMs: 2000,
};

function clientFor(target: WriterTarget, timeouts: ClientTimeouts): pg.Client {
  return new pg.Client({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database ?? "postgres",
    ssl: target.ssl,
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    query_timeout: timeouts.queryTimeoutMs,
    keepAlive: true,
  });
}

/** Gaps between consecutive acknowledgements longer than the threshold. */
export function outagesOf(attempts: readonly WriteAttempt[]): Outage[] {
  const ackTimes = attempts
    .filter((attempt) => attempt.outcome === "acked")
    .map((attempt) => attempt.endedAt);
  const outages: Outage[] = [];
  for (let index = 1; index < ackTimes.length; index += 1) {
    const [before, after] = [ackTimes[index - 1] as number, ackTimes[index] as number];
    if (after - before > OUTAGE_THRESHOLD_MS)
      outages.push({ lastAckAt: before, firstAckAt: after, durationMs: after - before });
  }
  return outages;
}

export async function startWriter(options: WriterOptions): Promise<Writer> {
  const intervalMs = options.intervalMs ?? 100;
  const maxRows = options.maxRows ?? 3000;
  const deadline = Date.now() + (options.maxDurationMs ?? 180_000);
  const statementTimeoutMs = options.statementTimeoutMs ?? 10_000;
  const timeouts: ClientTimeouts = {
    statementTimeoutMs,
    queryTimeoutMs: options.queryTimeoutMs ?? statementTimeoutMs + 2000,
    connectTimeoutMs: options.connectTimeoutMs ?? 2000,
  };
  const table = sqlIdent(options.table);
  const attempts: WriteAttempt[] = [];

  const setup = clientFor(options, DEFAULT_TIMEOUTS);
  await setup.connect();
  try {
    await setup.query(
      `CREATE TABLE IF NOT EXISTS ${table} (seq integer PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())`,
    );
  } finally {
    await setup.end();
  }

  let stopped = false;
  let client: pg.Client | undefined;
  let notices: string[] = [];
  const drop = () => {
    const old = client;
    client = undefined;
    old?.end().catch(() => undefined);
  };

  const attempt = async (seq: number): Promise<WriteAttempt> => {
    const startedAt = Date.now();
    try {
      if (!client) {
        const fresh = clientFor(options, timeouts);
        fresh.on("error", () => undefined);
        fresh.on("notice", (notice) => notices.push(notice.message ?? ""));
        client = fresh;
        await fresh.connect();
      }
      notices = [];
      await client.query(`INSERT INTO ${table} (seq) VALUES ($1)`, [seq]);
      const outcome: AttemptOutcome = notices.some((message) => SYNC_CANCEL.test(message))
        ? "unconfirmed"
        : "acked";
      return { seq, startedAt, endedAt: Date.now(), outcome };
    } catch (error) {
      drop();
      return { seq, startedAt, endedAt: Date.now(), outcome: "failed", error: (error as Error).message };
    }
  };

  const loop = (async () => {
    for (let seq = 1; seq <= maxRows && !stopped && Date.now() < deadline; seq += 1) {
      const result = await attempt(seq);
      attempts.push(result);
      const wait = intervalMs - (Date.now() - result.startedAt);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    drop();
  })();

  return {
    async firstAckAfter(time: number, timeoutMs: number): Promise<number> {
      const limit = Date.now() + timeoutMs;
      for (;;) {
        const ack = attempts.find((entry) => entry.startedAt > time && entry.outcome === "acked");
        if (ack) return ack.endedAt;
        if (Date.now() > limit || stopped) throw new Error(`no acknowledged write within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    attempts: () => [...attempts],
    async stop(): Promise<WriterReport> {
      stopped = true;
      await loop;
      return {
        table: options.table,
        attempts: [...attempts],
        acked: attempts.filter((entry) => entry.outcome === "acked").map((entry) => entry.seq),
        failed: attempts.filter((entry) => entry.outcome === "failed").length,
        unconfirmed: attempts.filter((entry) => entry.outcome === "unconfirmed").length,
        outages: outagesOf(attempts),
      };
    },
  };
}

export interface AckCheck {
  /** Acknowledged sequence numbers missing on the checked server: must be empty. */
  readonly missing: readonly number[];
  readonly ackedCount: number;
  /** Rows present that were never acknowledged (failed or unconfirmed attempts that committed). */
  readonly extra: readonly number[];
}

/** Every acknowledged row must exist on `target` (the new primary, connected directly). */
export async function verifyAcknowledged(report: WriterReport, target: WriterTarget): Promise<AckCheck> {
  const client = clientFor(target, DEFAULT_TIMEOUTS);
  await client.connect();
  try {
    const result = await client.query<{ seq: number }>(
      `SELECT seq FROM ${sqlIdent(report.table)} ORDER BY seq`,
    );
    const present = new Set(result.rows.map((row) => row.seq));
    const acked = new Set(report.acked);
    return {
      missing: report.acked.filter((seq) => !present.has(seq)),
      ackedCount: report.acked.length,
      extra: [...present].filter((seq) => !acked.has(seq)),
    };
  } finally {
    await client.end();
  }
}
