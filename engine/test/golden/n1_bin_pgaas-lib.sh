# managed by pgaas — do not edit
# sha256: 83a56b32b50c6e5d2554b9d68dbaf275aea2c3a7fc01f9820c5704d7f02bbf2a
# Sourced by the pgaas scripts of n1 (pair orders).
readonly PGAAS_PG_BIN=/usr/lib/postgresql/15/bin
readonly PGAAS_REPMGR=/usr/lib/postgresql/15/bin/repmgr
readonly PGAAS_REPMGR_CONF=/etc/pgaas/orders/n1/repmgr.conf
readonly PGAAS_CONFIG_DIR=/etc/pgaas/orders/n1
readonly PGAAS_DATA_DIR=/var/lib/pgaas/orders/n1/data
readonly PGAAS_SOCKET_DIR=/run/pgaas/orders/n1
readonly PGAAS_PORT=5432
readonly PGAAS_PG_LOG=/var/log/pgaas/orders/n1/postgresql.log
readonly PGAAS_LOG=/var/log/pgaas/orders/n1/pgaas-scripts.log
readonly PGAAS_FENCE_MARKER=/var/lib/pgaas/orders/n1/FENCED
readonly PGAAS_VIP_GATE=/run/pgaas/orders/n1/vip-gate
readonly PGAAS_VIP_PRIORITY=/run/pgaas/orders/n1/vip-priority
readonly PGAAS_VIP_OPEN_PRIORITY=50
readonly PGAAS_VIP_ADDRESS=10.40.0.100
readonly PGAAS_VIP_HOLD_MS=10000
readonly PGAAS_IP=/usr/sbin/ip
readonly PGAAS_VIP_GATE_HEARTBEAT=/run/pgaas/orders/n1/vip-gate.alive
readonly PGAAS_VIP_GATE_STALE_MS=4500
readonly PGAAS_PEER_ADDRESS=10.40.0.12
readonly PGAAS_PEER_PORT=5432
readonly PGAAS_WITNESS_ADDRESS=10.40.1.5
readonly PGAAS_WITNESS_PORT=5440
readonly PGAAS_PROBE_TIMEOUT=1
readonly PGAAS_REPMGR_DB=repmgr
readonly PGAAS_UPSTREAM_WATCH_SECS=300
readonly PGAAS_UPSTREAM_LOST=/run/pgaas/orders/n1/upstream-lost
readonly PGAAS_REPMGRD_WAKE_LOCK=/run/pgaas/orders/n1/repmgrd-wake.lock
readonly PGAAS_SYNC_WAIT_SECS=120
readonly PGAAS_SQL_WRITABLE='SELECT NOT pg_is_in_recovery() AND current_setting('\''default_transaction_read_only'\'') = '\''off'\'''
readonly PGAAS_SQL_STREAMING='SELECT count(*) FROM pg_stat_replication WHERE state = '\''streaming'\'' AND application_name IN ('\''n1'\'', '\''n2'\'')'
readonly PGAAS_SQL_SYNC_ON='ALTER SYSTEM SET synchronous_standby_names = '\''ANY 1 ("n1", "n2")'\'''
readonly PGAAS_SQL_SYNC_OFF='ALTER SYSTEM SET synchronous_standby_names = '\'''\'''
readonly PGAAS_SQL_RELOAD='SELECT pg_reload_conf()'
readonly PGAAS_SQL_WALRECEIVER='SELECT pid FROM pg_stat_wal_receiver WHERE status = '\''streaming'\'''
export PGCONNECT_TIMEOUT=2
# libpq clients started from here (walreceiver via pg-service, repmgr, psql) find the pair's passwords.
export PGPASSFILE=/etc/pgaas/orders/pgpass
# TCP connections to other members verify them against the pair CA (sockets never use TLS).
export PGSSLMODE=verify-full
export PGSSLROOTCERT=/etc/pgaas/orders/ca.crt

pgaas_log() {
  printf '%s %s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" "${0##*/}" "$*" >>"$PGAAS_LOG" 2>/dev/null || true
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
  printf '%s
' "$2" >"$1.$$" && mv -f "$1.$$" "$1"
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
alive() { s=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1); [ -n "$s" ] && [ "$s" != Z ] && [ "$s" != X ]; }
pid_of() { head -n 1 "$1" 2>/dev/null | tr -d ' \t\r' | grep -E '^[0-9]+$' || true; }
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
  [ $(($(date +%s%3N) - ${beat/./})) -le "$PGAAS_VIP_GATE_STALE_MS" ]
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
    if [ "${streaming:-0}" -lt 1 ]; then
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
    if [ "${streaming:-0}" -ge 1 ]; then
      pgaas_set_sync on
      return
    fi
    sleep 1
    waited=$((waited + 1))
  done
  pgaas_log "sync stays off: no standby streamed within $PGAAS_SYNC_WAIT_SECS s"
}

# A standby's watch on its upstream: its walreceiver exits the moment the primary's PostgreSQL dies, and
# when the primary's port then refuses a connect, repmgrd is woken to check at once instead of up to a
# second later. The wake never reaches repmgrd once its event hook marked the upstream lost (it then
# sleeps between reconnect attempts, which the witness's vote needs).
pgaas_upstream_watch() {
  local receiver=$1 until=$((SECONDS + PGAAS_UPSTREAM_WATCH_SECS)) tick look
  # A pipe nobody writes to: read -t on it sleeps 0.05 s without starting a process.
  exec {tick}<> <(:)
  while [ -e "/proc/$receiver" ] && [ "$SECONDS" -lt "$until" ]; do read -r -t 0.05 -u "$tick" _; done
  exec {tick}<&-
  [ -e "/proc/$receiver" ] && return 0
  for look in 1 2 3 4 5; do
    if pgaas_upstream_refuses; then
      pgaas_wake_repmgrd
      return 0
    fi
    [ "$look" = 5 ] || sleep 0.1
  done
}

pgaas_upstream_refuses() {
  [ -n "$PGAAS_PEER_ADDRESS" ] || return 1
  # pgaas_reachable says 1 for a refused connect and 124 for one that timed out.
  pgaas_reachable "$PGAAS_PEER_ADDRESS" "$PGAAS_PEER_PORT"
  [ $? = 1 ]
}

pgaas_wake_repmgrd() {
  local pid comm=
  # psql takes the last -d: repmgr's functions live in its own database.
  pid=$(pgaas_psql -d "$PGAAS_REPMGR_DB" -c 'SELECT repmgr.get_repmgrd_pid()' 2>/dev/null)
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  read -r comm 2>/dev/null <"/proc/$pid/comm"
  [ "$comm" = repmgrd ] || return 0
  (
    flock -w 5 9 || exit 0
    [ -e "$PGAAS_DATA_DIR/standby.signal" ] && [ ! -e "$PGAAS_UPSTREAM_LOST" ] || exit 0
    kill -HUP "$pid" && pgaas_log "upstream PostgreSQL gone: woke repmgrd $pid to check it now"
  ) 9>>"$PGAAS_REPMGRD_WAKE_LOCK"
}

pgaas_upstream_lost() {
  case "$1" in
    mark) ( flock -w 5 9; : >"$PGAAS_UPSTREAM_LOST" ) 9>>"$PGAAS_REPMGRD_WAKE_LOCK" ;;
    clear) rm -f "$PGAAS_UPSTREAM_LOST" ;;
  esac
}
