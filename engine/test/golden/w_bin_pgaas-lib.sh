# managed by pgaas — do not edit
# sha256: 2bb8acf9506636d7133ee5b6618a324aa6ed16685996c2fdff002bdb39f5c7a6
# Sourced by the pgaas scripts of w (pair orders).
readonly PGAAS_PG_BIN=/usr/lib/postgresql/15/bin
readonly PGAAS_REPMGR=/usr/lib/postgresql/15/bin/repmgr
readonly PGAAS_REPMGR_CONF=/etc/pgaas/orders/w/repmgr.conf
readonly PGAAS_CONFIG_DIR=/etc/pgaas/orders/w
readonly PGAAS_DATA_DIR=/var/lib/pgaas/orders/w/data
readonly PGAAS_SOCKET_DIR=/run/pgaas/orders/w
readonly PGAAS_PORT=5440
readonly PGAAS_PG_LOG=/var/log/pgaas/orders/w/postgresql.log
readonly PGAAS_LOG=/var/log/pgaas/orders/w/pgaas-scripts.log
readonly PGAAS_FENCE_MARKER=/var/lib/pgaas/orders/w/FENCED
readonly PGAAS_VIP_GATE=''
readonly PGAAS_VIP_GATE_HEARTBEAT=''
readonly PGAAS_VIP_GATE_STALE_MS=4500
readonly PGAAS_PEER_ADDRESS=''
readonly PGAAS_PEER_PORT=5432
readonly PGAAS_WITNESS_ADDRESS=10.40.1.5
readonly PGAAS_WITNESS_PORT=5440
readonly PGAAS_PROBE_TIMEOUT=1
readonly PGAAS_SYNC_WAIT_SECS=120
readonly PGAAS_SQL_WRITABLE='SELECT NOT pg_is_in_recovery() AND current_setting('\''default_transaction_read_only'\'') = '\''off'\'''
readonly PGAAS_SQL_STREAMING='SELECT count(*) FROM pg_stat_replication WHERE state = '\''streaming'\'' AND application_name IN ('\''n1'\'', '\''n2'\'')'
readonly PGAAS_SQL_SYNC_ON='ALTER SYSTEM SET synchronous_standby_names = '\''ANY 1 ("n1", "n2")'\'''
readonly PGAAS_SQL_SYNC_OFF='ALTER SYSTEM SET synchronous_standby_names = '\'''\'''
readonly PGAAS_SQL_RELOAD='SELECT pg_reload_conf()'
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

# The VIP gate keepalived tracks (track_file, watched with inotify): 0 lets the VIP live here, 1
# keeps it away. Replaced atomically and only on change, so keepalived acts on each write at once.
pgaas_vip_gate() {
  [ -n "$PGAAS_VIP_GATE" ] || return 0
  local want=1 current=
  [ "$1" = open ] && want=0
  # keepalived creates the file as root, unreadable here: then current stays empty and it is replaced.
  read -r current 2>/dev/null <"$PGAAS_VIP_GATE"
  [ "$current" = "$want" ] && return 0
  printf '%s\n' "$want" >"$PGAAS_VIP_GATE.$$" && mv -f "$PGAAS_VIP_GATE.$$" "$PGAAS_VIP_GATE" &&
    pgaas_log "VIP gate $1"
}

# Opens the gate only while this node is unfenced and writable, else closes it.
pgaas_vip_gate_follow() {
  if [ ! -e "$PGAAS_FENCE_MARKER" ] && pgaas_is_writable; then pgaas_vip_gate open; else pgaas_vip_gate closed; fi
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
