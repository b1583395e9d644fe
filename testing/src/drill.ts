// Helpers shared by the failover drills and the failover benchmark: reach a pair member directly,
// kill its postmaster, wait (bounded) for conditions, and keep a timeline of what happened when.

import { cp, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { sqlIdent } from "@pgaas/common";
import { ADMIN_ROLE } from "@pgaas/common/wire";
import { memberLayout, type PairSecrets, type PairSpec } from "@pgaas/engine";
import type { LocalLab } from "@pgaas/engine/local";
import { hostExec } from "@pgaas/engine/testing";
import pg from "pg";
import { pairSsl } from "./pair-tls.js";
import type { WriterTarget } from "./writer.js";

/** Drills write into their own database: PostgreSQL 15 gives non-owners no CREATE on `public`. */
export const DRILL_DATABASE = "drills";

/** The control plane's admin role at `host` (the VIP or a node address), in the drill database. */
export function adminTarget(spec: PairSpec, secrets: PairSecrets, host: string): WriterTarget {
  return {
    host,
    port: spec.postgres.port,
    user: ADMIN_ROLE,
    password: secrets.adminPassword.reveal(),
    database: DRILL_DATABASE,
    ssl: pairSsl(secrets),
  };
}

/** Creates the drill database (owned by pgaas_admin, which has CREATEDB) unless it exists. */
export async function ensureDrillDatabase(target: WriterTarget): Promise<void> {
  await withClient({ ...target, database: "postgres" }, async (client) => {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [DRILL_DATABASE]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${sqlIdent(DRILL_DATABASE)}`);
  });
}

async function withClient<T>(target: WriterTarget, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    ...target,
    database: target.database ?? "postgres",
    connectionTimeoutMillis: 2000,
    query_timeout: 5000,
    statement_timeout: 4000,
  });
  client.on("error", () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type ServerRole = "primary" | "standby" | "down";

/** What a server at `target` says it is, connected directly; "down" when it cannot be reached. */
export async function serverRole(target: WriterTarget): Promise<ServerRole> {
  try {
    const result = await withClient(target, (client) =>
      client.query<{ r: boolean }>("SELECT pg_is_in_recovery() AS r"),
    );
    return result.rows[0]?.r ? "standby" : "primary";
  } catch {
    return "down";
  }
}

/** Tries one write; "accepted" only when the INSERT returned. */
export async function tryWrite(target: WriterTarget, table: string): Promise<string> {
  try {
    await withClient(target, async (client) => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${sqlIdent(table)} (at timestamptz NOT NULL DEFAULT now())`,
      );
      await client.query(`INSERT INTO ${sqlIdent(table)} DEFAULT VALUES`);
    });
    return "accepted";
  } catch (error) {
    return `refused: ${(error as Error).message}`;
  }
}

/** kill -9 of a node's postmaster (its PID from postmaster.pid: namespace hosts share the filesystem). */
export async function killPostmaster(lab: LocalLab, spec: PairSpec, node: string): Promise<number> {
  const pidFile = `${memberLayout(spec, node).dataDir}/postmaster.pid`;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster PID in ${pidFile}`);
  const result = await hostExec(lab, node, ["kill", "-9", String(pid)]);
  if (result.code !== 0) throw new Error(`kill -9 ${pid} on ${node}: ${result.stderr}`);
  return pid;
}

/** Polls `check` every `intervalMs` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export interface RoleChange {
  readonly at: number;
  readonly node: string;
  readonly role: ServerRole;
}

export interface RoleWatch {
  /** Every change seen so far, in order. */
  changes(): readonly RoleChange[];
  stop(): Promise<void>;
}

/**
 * Marks every change of each node's role on the timeline until stopped (bounded), asking every ~500 ms
 * with `probe`: the drills' record of who was writable when.
 */
function watchChanges(
  timeline: Timeline,
  nodes: readonly string[],
  probe: (node: string) => Promise<ServerRole>,
  label: (node: string, role: ServerRole) => string,
  maxDurationMs: number,
): RoleWatch {
  let stopped = false;
  const changes: RoleChange[] = [];
  const deadline = Date.now() + maxDurationMs;
  const loops = nodes.map(async (node) => {
    let last: ServerRole | undefined;
    while (!stopped && Date.now() < deadline) {
      const started = Date.now();
      const role = await probe(node);
      if (role !== last) {
        changes.push({ at: started, node, role });
        timeline.mark(label(node, role), started);
      }
      last = role;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 500 - (Date.now() - started))));
    }
  });
  return {
    changes: () => [...changes],
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Each node's role as a client sees it over the network (an isolated node reads as "down"). */
export function watchRoles(
  timeline: Timeline,
  nodes: readonly { name: string; target: WriterTarget }[],
  maxDurationMs = 300_000,
): RoleWatch {
  const targets = new Map(nodes.map((node) => [node.name, node.target]));
  return watchChanges(
    timeline,
    nodes.map((node) => node.name),
    (name) => serverRole(targets.get(name) as WriterTarget),
    (name, role) => `${name} is ${role}`,
    maxDurationMs,
  );
}

/**
 * A node's role seen from inside its own namespace (psql over the local socket, as postgres), so an
 * isolated node is still observed; "down" when its PostgreSQL does not answer within 2 s.
 */
export async function roleFromInside(lab: LocalLab, spec: PairSpec, node: string): Promise<ServerRole> {
  const result = await hostExec(lab, node, [
    "timeout",
    "2",
    "runuser",
    "-u",
    "postgres",
    "--",
    "psql",
    "-X",
    "-At",
    "-h",
    memberLayout(spec, node).runDir,
    "-p",
    String(spec.postgres.port),
    "-d",
    "postgres",
    "-c",
    "SELECT pg_is_in_recovery()",
  ]);
  if (result.code !== 0) return "down";
  return result.stdout.trim() === "f" ? "primary" : "standby";
}

/**
 * A node's role seen from inside its own namespace, so an isolated primary is still observed: when it
 * stops accepting writes (fenced) versus when the standby promotes.
 */
export function watchFromInside(
  timeline: Timeline,
  lab: LocalLab,
  spec: PairSpec,
  node: string,
  maxDurationMs = 120_000,
): RoleWatch {
  return watchChanges(
    timeline,
    [node],
    () => roleFromInside(lab, spec, node),
    (name, role) => `${name} (inside view) is ${role}`,
    maxDurationMs,
  );
}

/** Copies the pair's logs (all members) to test-artifacts/<label>/ for a post-mortem; returns the path. */
export async function saveLogs(spec: PairSpec, label: string): Promise<string> {
  const target = join(process.cwd(), "test-artifacts", label);
  await mkdir(target, { recursive: true });
  await cp(`/var/log/pgaas/${spec.name}`, target, { recursive: true }).catch(() => undefined);
  return target;
}

/** What happened when, relative to the start: printed with every drill (and on failure). */
export class Timeline {
  readonly #start = Date.now();
  readonly #events: { at: number; what: string }[] = [];

  mark(what: string, at = Date.now()): number {
    this.#events.push({ at, what });
    return at;
  }

  format(): string {
    return [...this.#events]
      .sort((a, b) => a.at - b.at)
      .map((event) => `${((event.at - this.#start) / 1000).toFixed(2).padStart(8)} s  ${event.what}`)
      .join("\n");
  }
}
