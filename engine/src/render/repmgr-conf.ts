// repmgr.conf for a data node or the witness, with failover timings measured on real pairs: monitor
// 1 s, reconnect 3 × 1 s (the fastest that did not promote during a ~3 s planned restart), ping checks,
// primary visibility consensus (the witness is the third vote), child-node checks that degrade sync,
// and pg_ctl-based service commands (no systemd needed).
import { shellCommand } from "@pgaas/common";
import { PG_BIN_DIR, scriptPaths } from "../layout.js";
import { type Member, repmgrConninfo } from "../members.js";
import type { PairSpec } from "../spec.js";
import { confLine } from "./conf-quote.js";
import { sortedEntries, withHeader } from "./header.js";

export const REPMGR_BIN = `${PG_BIN_DIR}/repmgr`;
export const REPMGRD_BIN = `${PG_BIN_DIR}/repmgrd`;
/** repmgr's default is 15 s; see the witness parameters. */
export const WITNESS_SYNC_INTERVAL_SECS = 2;
/**
 * How long the witness waits, once it has given up on the primary it watches, to be told of a new one
 * (repmgr's default is 60 s). Only a failover that repmgrd runs sends that notice; a switchover does not.
 * When the old primary stays down longer than the reconnect attempts during a switchover, the witness
 * would vouch for nobody for the whole wait. After it, the witness looks for the primary itself.
 */
export const WITNESS_PRIMARY_NOTIFICATION_TIMEOUT_SECS = 5;

/**
 * ssh options repmgr uses between nodes (switchover): the pair's postgres key, the nodes' pinned host
 * keys (the managed known_hosts: a changed key is refused), no prompts, short timeout.
 */
export function repmgrSshOptions(member: Member): string {
  return [
    "-q",
    "-i",
    member.layout.sshPrivateKey,
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${member.layout.knownHosts}`,
    "-o",
    "ConnectTimeout=5",
  ].join(" ");
}

function repmgrParameters(spec: PairSpec, member: Member): Record<string, string> {
  const scripts = scriptPaths(member.layout);
  const f = spec.failover;
  const layout = member.layout;
  const common: Record<string, string> = {
    node_id: String(member.id),
    node_name: member.name,
    conninfo: repmgrConninfo(member),
    data_directory: layout.dataDir,
    config_directory: layout.configDir,
    pg_bindir: PG_BIN_DIR,
    repmgr_bindir: PG_BIN_DIR,
    location: spec.name,
    log_level: "INFO",
    log_status_interval: "60",
    failover: "automatic",
    monitor_interval_secs: String(f.monitorIntervalSecs),
    reconnect_attempts: String(f.reconnectAttempts),
    reconnect_interval: String(f.reconnectIntervalSecs),
    connection_check_type: "ping",
    primary_visibility_consensus: "true",
    use_replication_slots: "yes",
    event_notification_command: `${shellCommand([scripts.eventHook])} %e %s %n`,
    service_start_command: shellCommand([scripts.pgService, "start"]),
    service_stop_command: shellCommand([scripts.pgService, "stop"]),
    service_restart_command: shellCommand([scripts.pgService, "restart"]),
    service_reload_command: shellCommand([scripts.pgService, "reload"]),
    ssh_options: repmgrSshOptions(member),
  };
  // repmgrd insists on both commands even on a witness, which never promotes or follows.
  // witness_sync_interval: how soon the witness's repmgrd notices that the node it watches is no longer
  // primary (after a switchover run by an agent, which cannot reach the witness) and finds the new one;
  // primary_notification_timeout: how soon it looks by itself when that node was down for longer.
  if (member.kind === "witness")
    return {
      ...common,
      promote_command: "/bin/false",
      follow_command: "/bin/false",
      witness_sync_interval: String(WITNESS_SYNC_INTERVAL_SECS),
      primary_notification_timeout: String(WITNESS_PRIMARY_NOTIFICATION_TIMEOUT_SECS),
    };
  return {
    ...common,
    promote_command: shellCommand([scripts.promote]),
    follow_command: `${shellCommand([REPMGR_BIN, "-f", layout.repmgrConf, "standby", "follow"])} --upstream-node-id=%n`,
    child_nodes_check_interval: "1",
    child_nodes_connected_include_witness: "false",
    child_nodes_disconnect_timeout: String(spec.replication.degradeAfterSeconds),
    child_nodes_disconnect_command: shellCommand([scripts.degrade]),
  };
}

export function renderRepmgrConf(spec: PairSpec, member: Member): string {
  const body = sortedEntries(repmgrParameters(spec, member))
    .map(([key, value]) => `${confLine(key, value)}\n`)
    .join("");
  return withHeader(body);
}
