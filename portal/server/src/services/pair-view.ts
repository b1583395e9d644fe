// Pure: turns stored rows into the Pair the API answers (current primary, health, lag, sync state).

import type { NodeView, Pair, PairHealth, ParameterMap, WitnessSpec } from "@pgaas/api";
import type { NodeRole, SyncState } from "@pgaas/common/wire";

export const STALE_AFTER_MS = 15_000;

export interface PairRow {
  id: string;
  name: string;
  endpoint_host: string;
  endpoint_port: number;
  witness: WitnessSpec | null;
  admin_username: string;
  admin_password_sealed: Buffer;
  ca_certificate: string | null;
  settings: ParameterMap;
  created_at: Date;
  updated_at: Date;
}

export interface NodeRow {
  id: string;
  pair_id: string;
  name: string;
  address: string;
  port: number;
  agent_port: number;
  sampled_at: Date | null;
  received_at: Date | null;
  role: NodeRole | null;
  writable: boolean | null;
  fenced: boolean | null;
  sync_state: SyncState | null;
  timeline: number | null;
  lsn: string | null;
  lag_bytes: number | null;
  lag_seconds: number | null;
  pending_restart: boolean | null;
}

/**
 * The writable, unfenced node on the highest timeline; between equal timelines, the one whose report
 * this server received last. A promotion always starts a new timeline, so an old primary that still
 * believes it is writable loses to the promoted one. The agent's own `sampledAt` is not used: a
 * clock (or a forged report) far in the future must not pin the primary.
 */
export function currentPrimary<T extends Pick<NodeRow, "writable" | "fenced" | "timeline" | "received_at">>(
  nodes: readonly T[],
): T | undefined {
  return nodes
    .filter((node) => node.writable === true && node.fenced !== true && node.received_at !== null)
    .sort(
      (a, b) =>
        (b.timeline ?? -1) - (a.timeline ?? -1) ||
        (b.received_at?.getTime() ?? 0) - (a.received_at?.getTime() ?? 0),
    )[0];
}

function nodeView(row: NodeRow, now: Date): NodeView {
  return {
    id: row.id,
    name: row.name,
    address: row.address,
    port: row.port,
    agentPort: row.agent_port,
    role: row.role ?? "unknown",
    writable: row.writable ?? false,
    fenced: row.fenced ?? false,
    timeline: row.timeline,
    lsn: row.lsn,
    lagBytes: row.lag_bytes,
    lagSeconds: row.lag_seconds,
    syncState: row.sync_state ?? "none",
    pendingRestart: row.pending_restart ?? false,
    lastReportAt: row.received_at?.toISOString() ?? null,
    stale: row.received_at === null || now.getTime() - row.received_at.getTime() > STALE_AFTER_MS,
  };
}

function health(primary: NodeRow | undefined, nodes: readonly NodeView[]): PairHealth {
  if (nodes.every((node) => node.lastReportAt === null)) return "unknown";
  if (primary === undefined) return "no_primary";
  const standbyOk = nodes.some(
    (node) => node.name !== primary.name && node.role === "standby" && !node.stale,
  );
  const primaryOk = nodes.some((node) => node.name === primary.name && !node.stale);
  return standbyOk && primaryOk && primary.sync_state === "sync" ? "healthy" : "degraded";
}

export function pairView(
  pair: PairRow,
  nodeRows: readonly NodeRow[],
  databaseCount: number,
  now: Date,
): Pair {
  const nodes = [...nodeRows].sort((a, b) => a.name.localeCompare(b.name));
  const views = nodes.map((row) => nodeView(row, now));
  const primary = currentPrimary(nodes);
  const standby = nodes.find((node) => node.name !== primary?.name && node.role === "standby");
  const reportTimes = nodes
    .map((node) => node.received_at?.getTime())
    .filter((t): t is number => t !== undefined);
  return {
    id: pair.id,
    name: pair.name,
    endpoint: { host: pair.endpoint_host, port: pair.endpoint_port },
    nodes: views,
    witness: pair.witness,
    primary: primary?.name ?? null,
    health: health(primary, views),
    syncState: primary?.sync_state ?? "none",
    lagBytes: standby?.lag_bytes ?? null,
    lagSeconds: standby?.lag_seconds ?? null,
    lastReportAt: reportTimes.length === 0 ? null : new Date(Math.max(...reportTimes)).toISOString(),
    settings: pair.settings,
    caCertificate: pair.ca_certificate,
    databaseCount,
    createdAt: pair.created_at.toISOString(),
    updatedAt: pair.updated_at.toISOString(),
  };
}
