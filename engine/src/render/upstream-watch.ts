// A standby's watch on its upstream's PostgreSQL, so repmgrd hears of a dead primary at once instead of
// at its next check. repmgrd looks once a second (monitor_interval_secs cannot go lower), so it learned
// of a `kill -9` 0–1 s late, and that phase was most of the spread between one failover and the next.
//
// The watch holds no connection of its own: it watches the standby's walreceiver process. The
// primary's walsender closes the stream the moment its postmaster dies, and the walreceiver exits at
// once. (A watch that held an idle TCP connection to the primary's port was tried first: when it
// reconnected while the primary shut down, the postmaster's "dead-end" child for it waited for a
// startup packet that never came, and the primary's clean shutdown, so a switchover, waited for it.)
// When the walreceiver is gone, a connect to the primary's port is tried a few times: only a refused
// one, which means no postmaster listens on a host that answers, wakes repmgrd. A shutdown in progress
// still accepts, and a partition times out; both are left to repmgrd's own checks.
//
// The wake is a SIGHUP: repmgrd rereads its unchanged configuration, its sleep between checks ends, and
// it checks its upstream at once. It must never cut short the sleeps between repmgrd's reconnect
// attempts, because the witness's vote needs them. An election asked for sooner than two seconds after
// the witness last saw the primary is cancelled for good. repmgrd runs its event hook, and waits for
// it, when it finds the upstream lost and before its first reconnect attempt. The hook marks that moment
// under the same lock the wake takes, and the wake sends nothing once the mark exists. A signal sent
// before the mark is delivered before repmgrd leaves the hook, so it can only land in the sleep
// between checks, in a check, or in the hook.
//   pgaas_upstream_watch PID   one watch on the walreceiver PID, bounded by PGAAS_UPSTREAM_WATCH_SECS;
//                              the fence watcher keeps one running on a streaming standby
//   pgaas_upstream_refuses     a connect to the upstream's port is refused (not accepted, not timed out)
//   pgaas_wake_repmgrd         the locked wake
//   pgaas_upstream_lost mark|clear   called by the event hook
export const UPSTREAM_WATCH_FUNCTIONS = `pgaas_upstream_watch() {
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
}`;

/** The standby's streaming walreceiver, whose PID the watch follows (nothing while it does not stream). */
export const STREAMING_WALRECEIVER_PID_SQL =
  "SELECT pid FROM pg_stat_wal_receiver WHERE status = 'streaming'";

/** How long one watch lasts; the fence watcher's next round starts another while the standby streams. */
export const UPSTREAM_WATCH_SECS = 300;

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
