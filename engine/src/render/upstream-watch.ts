// A standby's watch on its upstream's PostgreSQL, so repmgrd hears of a dead primary at once instead of
// at its next check. repmgrd looks once a second (monitor_interval_secs cannot go lower), so it learned
// of a `kill -9` 0–1 s late, and that phase was most of the spread between one failover and the next.
//
// The watch holds one TCP connection to the upstream's PostgreSQL port and never sends a byte. The
// backend the postmaster forks for it waits for a startup packet and exits the moment its postmaster
// dies, so the connection closes within milliseconds of the kill. Nothing is ever sent: no
// authentication, no TLS, no snapshot, and PostgreSQL logs nothing for it. A closed connection alone
// may be the server's authentication_timeout, so the watch wakes repmgrd only when a new connection is
// then refused.
//
// The wake is a SIGHUP: repmgrd rereads its unchanged configuration, its sleep between checks ends, and
// it checks its upstream at once. It must never cut short the sleeps between repmgrd's reconnect
// attempts, because the witness's vote needs them. An election asked for sooner than two seconds after
// the witness last saw the primary is cancelled for good. repmgrd runs its event hook, and waits for
// it, when it finds the upstream lost and before its first reconnect attempt. The hook marks that moment
// under the same lock the wake takes, and the wake sends nothing once the mark exists. A signal sent
// before the mark is delivered before repmgrd leaves the hook, so it can only land in the sleep
// between checks, in a check, or in the hook.
//   pgaas_upstream_watch      one watch, bounded by PGAAS_UPSTREAM_WATCH_SECS; the fence watcher keeps one running
//   pgaas_wake_repmgrd        the locked wake
//   pgaas_upstream_lost mark|clear   called by the event hook
export const UPSTREAM_WATCH_FUNCTIONS = `pgaas_upstream_watch() {
  timeout "$PGAAS_UPSTREAM_WATCH_SECS" bash -c 'exec 3<>"/dev/tcp/$1/$2" || exit 2; read -r -u 3 _; exit 0' \\
    pgaas-upstream-watch "$PGAAS_PEER_ADDRESS" "$PGAAS_PEER_PORT" 2>/dev/null || return 0
  pgaas_reachable "$PGAAS_PEER_ADDRESS" "$PGAAS_PEER_PORT" || pgaas_wake_repmgrd
}

pgaas_wake_repmgrd() {
  local pid comm=
  pid=$("$PGAAS_PG_BIN/psql" -X -A -t -q -h "$PGAAS_SOCKET_DIR" -p "$PGAAS_PORT" -U postgres -d "$PGAAS_REPMGR_DB" \\
    -c 'SELECT repmgr.get_repmgrd_pid()' 2>/dev/null)
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
}`;

/**
 * How long one watch keeps its connection before the next round opens a new one: below PostgreSQL's
 * default authentication_timeout (60 s), which would close it first.
 */
export const UPSTREAM_WATCH_SECS = 30;

/** repmgr events after which repmgrd sleeps between reconnect attempts: the wake must stay away. */
export const UPSTREAM_LOST_EVENTS = ["repmgrd_upstream_disconnect"] as const;

/** repmgr events that end that phase (reconnected, followed, promoted, restarted): the wake may act again. */
export const UPSTREAM_BACK_EVENTS = [
  "repmgrd_start",
  "repmgrd_upstream_reconnect",
  "repmgrd_standby_reconnect",
  "repmgrd_failover_follow",
  "standby_follow",
  "standby_promote",
  "repmgrd_failover_promote",
  "node_rejoin",
] as const;
