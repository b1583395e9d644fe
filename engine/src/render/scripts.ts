// The small bash programs a node runs beside PostgreSQL: the keepalived check, repmgr's promote command,
// the event hook (sync on/off), the child-disconnect degrade command, the fence watcher and the pg_ctl
// wrapper repmgr uses as its service commands. They share one sourced library whose variables are
// rendered here with `shellQuote`, so no value is ever spliced into shell text unquoted.
import { shellQuote } from "@pgaas/common";
import { PROCESS_LIVENESS_FUNCTIONS } from "../commands/process-liveness.js";
import { IP_BIN, PG_BIN_DIR, scriptPaths } from "../layout.js";
import type { Member } from "../members.js";
import { FENCE_PROBE_TIMEOUT_SECS, type PairSpec, peerOf, SYNC_WAIT_SECS } from "../spec.js";
import {
  RELOAD_SQL,
  setSynchronousStandbyNamesSql,
  streamingStandbysSql,
  synchronousStandbyNames,
  WRITABLE_SQL,
} from "../sql/sync-sql.js";
import { withHeader } from "./header.js";
import { REPMGR_DATABASE } from "./pg-hba.js";
import { REPMGR_BIN } from "./repmgr-conf.js";
import {
  STREAMING_WALRECEIVER_PID_SQL,
  UPSTREAM_BACK_EVENTS,
  UPSTREAM_LOST_EVENTS,
  UPSTREAM_WATCH_FUNCTIONS,
  UPSTREAM_WATCH_SECS,
} from "./upstream-watch.js";

const SHEBANG = "#!/bin/bash";

/** The scripts' psql connect timeout (PGCONNECT_TIMEOUT; libpq's minimum). */
const PSQL_CONNECT_TIMEOUT_SECS = 2;

/**
 * How old the VIP gate's heartbeat may grow before keepalived's check drops the VIP: one slow round of
 * the fence watcher (its interval, a psql connect that times out, a peer probe) plus a second of slack.
 */
export function vipGateStaleMs(spec: PairSpec): number {
  const round = spec.failover.fenceCheckIntervalSecs + PSQL_CONNECT_TIMEOUT_SECS + FENCE_PROBE_TIMEOUT_SECS;
  return Math.round((round + 1) * 1000);
}

/** What an open gate adds to the VRRP priority (keepalived's vip-priority track file, weight 1). */
export const VIP_OPEN_PRIORITY_BONUS = 50;

/**
 * How long a former primary whose PostgreSQL stopped may keep (hold) the VIP it has, refusing connections
 * at once, while its standby is promoted: well past a failover's ~3 s; past it the gate closes as before.
 */
export const VIP_HOLD_MS = 10_000;

function assignments(values: Readonly<Record<string, string>>): string {
  return Object.entries(values)
    .map(([name, value]) => `readonly ${name}=${shellQuote(value)}\n`)
    .join("");
}

export function renderScriptLib(spec: PairSpec, member: Member): string {
  const layout = member.layout;
  const sync = spec.replication.mode === "synchronous";
  const peer = member.kind === "node" ? peerOf(spec, member.name) : undefined;
  // Only a node behind a VIP has a gate; elsewhere pgaas_vip_gate does nothing.
  const gated = member.kind === "node" && spec.endpoint.kind === "vip";
  const vars = assignments({
    PGAAS_PG_BIN: PG_BIN_DIR,
    PGAAS_REPMGR: REPMGR_BIN,
    PGAAS_REPMGR_CONF: layout.repmgrConf,
    PGAAS_CONFIG_DIR: layout.configDir,
    PGAAS_DATA_DIR: layout.dataDir,
    PGAAS_SOCKET_DIR: layout.runDir,
    PGAAS_PORT: String(member.port),
    PGAAS_PG_LOG: layout.postgresLog,
    PGAAS_LOG: layout.scriptsLog,
    PGAAS_FENCE_MARKER: layout.fenceMarker,
    PGAAS_VIP_GATE: gated ? layout.vipGate : "",
    PGAAS_VIP_PRIORITY: gated ? layout.vipPriority : "",
    PGAAS_VIP_OPEN_PRIORITY: String(VIP_OPEN_PRIORITY_BONUS),
    PGAAS_VIP_ADDRESS: gated ? spec.endpoint.address : "",
    PGAAS_VIP_HOLD_MS: String(VIP_HOLD_MS),
    PGAAS_IP: IP_BIN,
    PGAAS_VIP_GATE_HEARTBEAT: gated ? layout.vipGateHeartbeat : "",
    PGAAS_VIP_GATE_STALE_MS: String(vipGateStaleMs(spec)),
    PGAAS_PEER_ADDRESS: peer?.address ?? "",
    PGAAS_PEER_PORT: String(spec.postgres.port),
    PGAAS_WITNESS_ADDRESS: spec.witness.address,
    PGAAS_WITNESS_PORT: String(spec.witness.port),
    PGAAS_PROBE_TIMEOUT: String(FENCE_PROBE_TIMEOUT_SECS),
    PGAAS_REPMGR_DB: REPMGR_DATABASE,
    PGAAS_UPSTREAM_WATCH_SECS: String(UPSTREAM_WATCH_SECS),
    PGAAS_UPSTREAM_LOST: layout.upstreamLostMark,
    PGAAS_REPMGRD_WAKE_LOCK: layout.repmgrdWakeLock,
    PGAAS_SYNC_WAIT_SECS: String(SYNC_WAIT_SECS),
    PGAAS_SQL_WRITABLE: WRITABLE_SQL,
    PGAAS_SQL_STREAMING: streamingStandbysSql(spec),
    PGAAS_SQL_SYNC_ON: setSynchronousStandbyNamesSql(sync ? synchronousStandbyNames(spec) : ""),
    PGAAS_SQL_SYNC_OFF: setSynchronousStandbyNamesSql(""),
    PGAAS_SQL_RELOAD: RELOAD_SQL,
    PGAAS_SQL_WALRECEIVER: STREAMING_WALRECEIVER_PID_SQL,
  });
  const body = `# Sourced by the pgaas scripts of ${member.name} (pair ${spec.name}).
${vars}export PGCONNECT_TIMEOUT=${PSQL_CONNECT_TIMEOUT_SECS}
# libpq clients started from here (walreceiver via pg-service, repmgr, psql) find the pair's passwords.
export PGPASSFILE=${shellQuote(layout.pgpass)}
# TCP connections to other members verify them against the pair CA (sockets never use TLS).
export PGSSLMODE=verify-full
export PGSSLROOTCERT=${shellQuote(layout.caCertificate)}

pgaas_log() {
  printf '%s %s %s\\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "\${0##*/}" "$*" >>"$PGAAS_LOG" 2>/dev/null || true
}

pgaas_psql() {
  "$PGAAS_PG_BIN/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h "$PGAAS_SOCKET_DIR" -p "$PGAAS_PORT" -U postgres -d postgres "$@"
}

pgaas_is_writable() {
  [ "$(pgaas_psql -c "$PGAAS_SQL_WRITABLE" 2>/dev/null)" = t ]
}

# The VIP gate keepalived tracks (two track_files, watched with inotify). vip-gate: 0 lets the VIP live
# here, 1 keeps it away (FAULT). vip-priority: added to the VRRP priority. Three states:
#   open    writable and unfenced: the gate is open and the priority raised, so it takes the VIP from a held one;
#   held    the former primary whose PostgreSQL stopped: it keeps the VIP it has, so clients are refused at
#           once (a reset) instead of their connects vanishing until the promoted standby takes it;
#   closed  everything else.
# The writes are ordered so no moment between them lets a node outrank where it should not.
pgaas_vip_gate() {
  [ -n "$PGAAS_VIP_GATE" ] || return 0
  local changed=1
  case "$1" in
    open)
      pgaas_vip_write "$PGAAS_VIP_PRIORITY" "$PGAAS_VIP_OPEN_PRIORITY" && changed=0
      pgaas_vip_write "$PGAAS_VIP_GATE" 0 && changed=0
      ;;
    held)
      pgaas_vip_write "$PGAAS_VIP_PRIORITY" 0 && changed=0
      pgaas_vip_write "$PGAAS_VIP_GATE" 0 && changed=0
      ;;
    *)
      pgaas_vip_write "$PGAAS_VIP_GATE" 1 && changed=0
      pgaas_vip_write "$PGAAS_VIP_PRIORITY" 0 && changed=0
      ;;
  esac
  [ "$changed" = 1 ] || pgaas_log "VIP gate $1"
}

# Replaces a gate file atomically and only on change, so keepalived acts on each write at once; fails
# when the file already says so. keepalived creates the files as root, unreadable here: then they are replaced.
pgaas_vip_write() {
  local current=
  read -r current 2>/dev/null <"$1"
  [ "$current" = "$2" ] && return 1
  printf '%s\n' "$2" >"$1.$$" && mv -f "$1.$$" "$1"
}

# Opens the gate only while this node is unfenced and writable, else closes it.
pgaas_vip_gate_follow() {
  if [ ! -e "$PGAAS_FENCE_MARKER" ] && pgaas_is_writable; then pgaas_vip_gate open; else pgaas_vip_gate closed; fi
}

# Whether this node may hold the VIP ($1: when it was last seen writable, in ms): unfenced, not a standby,
# no postmaster running, seen writable within the hold time, and the VIP is here now (a node that has
# lost it never takes it back this way).
pgaas_vip_may_hold() {
  [ ! -e "$PGAAS_FENCE_MARKER" ] && [ ! -e "$PGAAS_DATA_DIR/standby.signal" ] &&
    [ $(($(date +%s%3N) - $1)) -lt "$PGAAS_VIP_HOLD_MS" ] &&
    ! pgaas_postmaster_alive &&
    [ -n "$("$PGAAS_IP" -o -4 addr show to "$PGAAS_VIP_ADDRESS/32" 2>/dev/null)" ]
}

# Whether the postmaster named in postmaster.pid lives (pg_ctl status would count a killed, unreaped
# one as running).
${PROCESS_LIVENESS_FUNCTIONS}
pgaas_postmaster_alive() {
  local pid
  pid=$(pid_of "$PGAAS_DATA_DIR/postmaster.pid")
  [ -n "$pid" ] && alive "$pid"
}

# The loop that keeps the gate current beats once a round; keepalived's check fails on a stale beat, so
# a dead or stuck loop can never leave an open gate behind.
pgaas_vip_gate_beat() {
  [ -z "$PGAAS_VIP_GATE_HEARTBEAT" ] || touch "$PGAAS_VIP_GATE_HEARTBEAT"
}

pgaas_vip_gate_alive() {
  local beat
  beat=$(stat -c %.3Y "$PGAAS_VIP_GATE_HEARTBEAT" 2>/dev/null) || return 1
  [ $(($(date +%s%3N) - \${beat/./})) -le "$PGAAS_VIP_GATE_STALE_MS" ]
}

# A host counts as reachable when its PostgreSQL port accepts a TCP connection in time.
pgaas_reachable() {
  [ -n "$1" ] && timeout "$PGAAS_PROBE_TIMEOUT" bash -c 'exec 3<>"/dev/tcp/$1/$2"' pgaas-probe "$1" "$2" 2>/dev/null
}

# Probes the standby and the witness in parallel; succeeds when either answers.
pgaas_sees_a_peer() {
  pgaas_reachable "$PGAAS_PEER_ADDRESS" "$PGAAS_PEER_PORT" & local peer=$!
  pgaas_reachable "$PGAAS_WITNESS_ADDRESS" "$PGAAS_WITNESS_PORT" & local witness=$!
  local seen=1
  wait "$peer" && seen=0
  wait "$witness" && seen=0
  return $seen
}

# Sync on only while a standby streams (else every commit blocks); off releases waiting commits.
pgaas_set_sync() {
  if [ "$1" = on ]; then
    local streaming
    streaming=$(pgaas_psql -c "$PGAAS_SQL_STREAMING" 2>/dev/null) || return 1
    if [ "\${streaming:-0}" -lt 1 ]; then
      pgaas_log "sync stays off: no standby streams"
      return 0
    fi
    pgaas_psql -c "$PGAAS_SQL_SYNC_ON" -c "$PGAAS_SQL_RELOAD" >/dev/null && pgaas_log "sync on"
  else
    pgaas_psql -c "$PGAAS_SQL_SYNC_OFF" -c "$PGAAS_SQL_RELOAD" >/dev/null && pgaas_log "sync off"
  fi
}

# repmgrd reports a standby's reconnect before its walreceiver streams again (the walreceiver retries on
# its own clock, slower under load), so a single look would leave sync off for good: look once a second,
# for a bounded time, while this node stays the writable primary.
pgaas_sync_on_when_streaming() {
  local waited=0 streaming
  while [ "$waited" -lt "$PGAAS_SYNC_WAIT_SECS" ]; do
    pgaas_is_writable || return 0
    streaming=$(pgaas_psql -c "$PGAAS_SQL_STREAMING" 2>/dev/null) || streaming=0
    if [ "\${streaming:-0}" -ge 1 ]; then
      pgaas_set_sync on
      return
    fi
    sleep 1
    waited=$((waited + 1))
  done
  pgaas_log "sync stays off: no standby streamed within $PGAAS_SYNC_WAIT_SECS s"
}
${member.kind === "node" ? NODE_ONLY_FUNCTIONS : ""}`;
  return withHeader(body);
}

/** Only a node streams from an upstream: the witness's lib goes without the watch. */
const NODE_ONLY_FUNCTIONS = `
# A standby's watch on its upstream: its walreceiver exits the moment the primary's PostgreSQL dies, and
# when the primary's port then refuses a connect, repmgrd is woken to check at once instead of up to a
# second later. The wake never reaches repmgrd once its event hook marked the upstream lost (it then
# sleeps between reconnect attempts, which the witness's vote needs).
${UPSTREAM_WATCH_FUNCTIONS}
`;

function script(member: Member, body: string): string {
  const lib = scriptPaths(member.layout).lib;
  return withHeader(`set -u\n. ${shellQuote(lib)}\n${body}`, { shebang: SHEBANG });
}

/**
 * keepalived's track script, the safety net beside the VIP gate (which says whether this node is the
 * writable primary): exit 0 only while no fence marker exists and the loop keeping the gate is alive.
 * Before that loop's first beat (a node upgraded from the plain writable check, whose old keepalived and
 * fence watcher still run until they restart) it keeps the old check, so an upgrade does not drop the VIP.
 */
export function renderKeepalivedCheck(member: Member): string {
  return script(
    member,
    `[ -e "$PGAAS_FENCE_MARKER" ] && exit 1
if [ ! -e "$PGAAS_VIP_GATE_HEARTBEAT" ]; then
  pgaas_is_writable
  exit
fi
pgaas_vip_gate_alive
`,
  );
}

/** repmgr promote_command: a fenced node never promotes; clear sync first (a promoted
 * standby inherits synchronous_standby_names and would block every commit), then promote. */
export function renderPromote(member: Member): string {
  return script(
    member,
    `if [ -e "$PGAAS_FENCE_MARKER" ]; then
  pgaas_log "refusing to promote: this node is fenced"
  exit 1
fi
pgaas_log "promoting"
pgaas_psql -c "$PGAAS_SQL_SYNC_OFF" -c "$PGAAS_SQL_RELOAD" >/dev/null || pgaas_log "could not clear synchronous_standby_names"
"$PGAAS_REPMGR" -f "$PGAAS_REPMGR_CONF" standby promote &
promote=$!
# repmgr looks whether the promotion finished only once a second: open the VIP gate the moment
# PostgreSQL accepts writes (at most 250 looks, 0.02 s apart, while repmgr still runs).
for _ in {1..250}; do
  if pgaas_is_writable; then
    pgaas_vip_gate_follow
    break
  fi
  kill -0 "$promote" 2>/dev/null || break
  sleep 0.02
done
wait "$promote"
`,
  );
}

/**
 * repmgr event_notification_command ($1 event, $2 success, $3 node id); the witness only logs. With
 * `archiveHandover` (pairs with backups) a promotion also starts it, detached: repmgrd waits for hooks.
 */
export function renderEventHook(member: Member, archiveHandover?: string): string {
  if (member.kind === "witness") {
    return script(member, `pgaas_log "event \${1:-} success=\${2:-} node=\${3:-}"\nexit 0\n`);
  }
  const handover = archiveHandover
    ? `case "$event" in\n  standby_promote | repmgrd_failover_promote)\n    setsid ${shellQuote(archiveHandover)} </dev/null >/dev/null 2>&1 & ;;\nesac\n`
    : "";
  return script(
    member,
    `event=\${1:-} success=\${2:-} node=\${3:-}
pgaas_log "event $event success=$success node=$node"
case "$event" in
  child_node_new_connect | child_node_reconnect | standby_switchover)
    # Detached: repmgrd waits for its hooks, and the wait may last until the standby streams.
    setsid bash -c '. "$1"; pgaas_sync_on_when_streaming' pgaas-sync-on ${shellQuote(scriptPaths(member.layout).lib)} </dev/null >/dev/null 2>&1 & ;;
  standby_promote | repmgrd_failover_promote)
    pgaas_set_sync off ;;
esac
case "$event" in
  ${UPSTREAM_LOST_EVENTS.join(" | ")}) pgaas_upstream_lost mark ;;
  ${UPSTREAM_BACK_EVENTS.join(" | ")}) pgaas_upstream_lost clear ;;
esac
${handover}exit 0
`,
  );
}

/**
 * repmgr child_nodes_disconnect_command: the standby is gone. Release waiting commits (sync off) only if
 * the witness is still reachable; otherwise this primary may be the isolated one, so keep waiting.
 */
export function renderDegrade(member: Member): string {
  return script(
    member,
    `pgaas_is_writable || exit 0
if pgaas_reachable "$PGAAS_WITNESS_ADDRESS" "$PGAAS_WITNESS_PORT"; then
  pgaas_log "standby disconnected, witness reachable: degrading to asynchronous"
  pgaas_set_sync off
else
  pgaas_log "standby disconnected and witness unreachable: keeping synchronous replication"
fi
exit 0
`,
  );
}

/**
 * The fence watcher: a primary that sees neither its standby nor the witness for the fence timeout
 * writes the fence marker and stops PostgreSQL at once, before the standby could be promoted. Each round
 * it also keeps the VIP gate current (open while unfenced and writable, held for a bounded time by the
 * former primary whose PostgreSQL stopped, else closed) and beats its heartbeat. On a standby it keeps
 * the upstream watch running (render/upstream-watch.ts).
 */
export function renderFenceWatcher(spec: PairSpec, member: Member): string {
  const intervalMs = Math.round(spec.failover.fenceCheckIntervalSecs * 1000);
  const timeoutMs = Math.round(spec.failover.fencePeerTimeoutSecs * 1000);
  return script(
    member,
    `readonly INTERVAL=${(intervalMs / 1000).toFixed(3)} TIMEOUT_MS=${timeoutMs}
now_ms() { echo $(($(date +%s%N) / 1000000)); }
pgaas_log "fence watcher started (timeout \${TIMEOUT_MS} ms)"
last_seen=$(now_ms)
last_writable=0
watch=
while :; do
  if [ ! -e "$PGAAS_FENCE_MARKER" ] && pgaas_is_writable; then
    pgaas_vip_gate open
    started=$(now_ms)
    last_writable=$started
    if pgaas_sees_a_peer; then
      last_seen=$started
    elif [ $(($(now_ms) - last_seen)) -ge "$TIMEOUT_MS" ]; then
      printf 'fenced at %s: saw neither %s nor %s for %s ms\\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" \\
        "$PGAAS_PEER_ADDRESS" "$PGAAS_WITNESS_ADDRESS" "$(($(now_ms) - last_seen))" >"$PGAAS_FENCE_MARKER"
      pgaas_vip_gate closed
      "$PGAAS_PG_BIN/pg_ctl" -D "$PGAAS_CONFIG_DIR" stop -m immediate -w -t 10 >/dev/null 2>&1
      pgaas_log "FENCED: primary isolated from standby and witness; PostgreSQL stopped"
    fi
  else
    if pgaas_vip_may_hold "$last_writable"; then pgaas_vip_gate held; else pgaas_vip_gate closed; fi
    last_seen=$(now_ms)
    # A streaming standby keeps one watch on its walreceiver beside this loop.
    if [ -e "$PGAAS_DATA_DIR/standby.signal" ] && { [ -z "$watch" ] || ! kill -0 "$watch" 2>/dev/null; } &&
      pgaas_postmaster_alive; then
      receiver=$(pgaas_psql -c "$PGAAS_SQL_WALRECEIVER" 2>/dev/null)
      if [[ "$receiver" =~ ^[0-9]+$ ]]; then
        pgaas_upstream_watch "$receiver" &
        watch=$!
      fi
    fi
  fi
  pgaas_vip_gate_beat
  sleep "$INTERVAL"
done
`,
  );
}

/**
 * repmgr's service commands. start refuses when the node is fenced and would come up as a primary
 * (no standby.signal): a fenced or killed primary is only ever started again as a standby.
 */
export function renderPgService(member: Member): string {
  return script(
    member,
    `pg_ctl() { "$PGAAS_PG_BIN/pg_ctl" -D "$PGAAS_CONFIG_DIR" "$@"; }
refuse_fenced_primary() {
  if [ -e "$PGAAS_FENCE_MARKER" ] && [ ! -e "$PGAAS_DATA_DIR/standby.signal" ]; then
    pgaas_log "refusing to start: fenced and not configured as a standby"
    echo "pgaas: $PGAAS_FENCE_MARKER exists; rejoin this node as a standby first" >&2
    exit 3
  fi
}
case "\${1:-}" in
  start) refuse_fenced_primary; pg_ctl -l "$PGAAS_PG_LOG" -w -t 120 start ;;
  stop) pg_ctl -m fast -w -t 120 stop ;;
  restart) refuse_fenced_primary; pg_ctl -l "$PGAAS_PG_LOG" -m fast -w -t 120 restart ;;
  reload) pg_ctl reload ;;
  *) echo "usage: $0 start|stop|restart|reload" >&2; exit 2 ;;
esac
`,
  );
}
