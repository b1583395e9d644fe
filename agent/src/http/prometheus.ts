// Prometheus text exposition (format 0.0.4), hand-written: a handful of families, no client library.
import { NodeRole } from "@pgaas/common/wire";
import type { AgentStatus } from "../agent.js";

export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

export function family(
  name: string,
  type: "gauge" | "counter",
  help: string,
  samples: readonly Sample[],
): string {
  const lines = [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`];
  for (const sample of samples) {
    const labels = Object.entries(sample.labels ?? {})
      .map(([key, value]) => `${key}="${escapeLabelValue(value)}"`)
      .join(",");
    lines.push(`${name}${labels ? `{${labels}}` : ""} ${formatValue(sample.value)}`);
  }
  return `${lines.join("\n")}\n`;
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

const one = (value: number): Sample[] => [{ value }];
const flag = (value: boolean): number => (value ? 1 : 0);

export function renderAgentMetrics(status: AgentStatus, node: { pair: string; node: string }): string {
  const state = status.state;
  const c = status.counters;
  const families = [
    family("pgaas_agent_info", "gauge", "Which pair and node this agent reports for.", [
      { labels: node, value: 1 },
    ]),
    family(
      "pgaas_agent_role",
      "gauge",
      "1 for the node's current role.",
      NodeRole.options.map((role) => ({ labels: { role }, value: flag(state?.role === role) })),
    ),
    family(
      "pgaas_agent_writable",
      "gauge",
      "1 when the node accepts writes (primary, not fenced).",
      one(flag(state?.writable ?? false)),
    ),
    family(
      "pgaas_agent_fenced",
      "gauge",
      "1 when the fence marker is present.",
      one(flag(state?.fenced ?? false)),
    ),
  ];
  if (state?.timeline != null) {
    families.push(family("pgaas_agent_timeline", "gauge", "PostgreSQL timeline.", one(state.timeline)));
  }
  if (state?.lagBytes != null) {
    families.push(
      family("pgaas_agent_replication_lag_bytes", "gauge", "Replication lag in bytes.", one(state.lagBytes)),
    );
  }
  if (state?.lagSeconds != null) {
    families.push(
      family(
        "pgaas_agent_replication_lag_seconds",
        "gauge",
        "Replication lag in seconds.",
        one(state.lagSeconds),
      ),
    );
  }
  families.push(
    family(
      "pgaas_agent_streaming_standbys",
      "gauge",
      "Standbys streaming from this node.",
      one(state?.streamingStandbys.length ?? 0),
    ),
    family("pgaas_agent_spool_reports", "gauge", "Reports waiting in the spool.", one(status.spool.reports)),
    family("pgaas_agent_spool_bytes", "gauge", "Bytes used by the spool.", one(status.spool.bytes)),
    family(
      "pgaas_agent_spool_dropped_total",
      "counter",
      "Spooled reports dropped to keep the spool bounded.",
      Object.entries(status.spool.dropped).map(([kind, value]) => ({ labels: { kind }, value })),
    ),
    family(
      "pgaas_agent_spool_corrupt_lines_total",
      "counter",
      "Spool lines skipped as torn or damaged.",
      one(status.spool.corruptLines),
    ),
    family(
      "pgaas_agent_reports_delivered_total",
      "counter",
      "Reports the control plane acknowledged.",
      one(c.reportsDelivered),
    ),
    family(
      "pgaas_agent_reports_rejected_total",
      "counter",
      "Reports the control plane refused (dropped).",
      one(c.reportsRejected),
    ),
    family(
      "pgaas_agent_control_plane_failures_total",
      "counter",
      "Failed control-plane requests.",
      one(c.controlPlaneFailures),
    ),
    family(
      "pgaas_agent_control_plane_consecutive_failures",
      "gauge",
      "Failures since the last success.",
      one(status.controlPlaneFailures),
    ),
    family(
      "pgaas_agent_ticks_total",
      "counter",
      "Ticks by decided action.",
      Object.entries(c.ticks).map(([action, value]) => ({ labels: { action }, value })),
    ),
    family("pgaas_agent_bugs_total", "counter", "Unexpected errors (logged as bugs).", one(c.bugs)),
    family("pgaas_agent_commands_total", "counter", "Commands run, by outcome.", [
      { labels: { outcome: "succeeded" }, value: c.commandsSucceeded },
      { labels: { outcome: "failed" }, value: c.commandsFailed },
    ]),
    family(
      "pgaas_agent_last_tick_timestamp_seconds",
      "gauge",
      "When the last tick ran.",
      one((status.lastTickAt ?? 0) / 1000),
    ),
    family("process_resident_memory_bytes", "gauge", "Resident set size.", one(process.memoryUsage.rss())),
    family("process_cpu_seconds_total", "counter", "User and system CPU time.", one(cpuSeconds())),
  );
  return families.join("");
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}
