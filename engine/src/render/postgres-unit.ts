// The boot path of a member's PostgreSQL on systemd hosts: a oneshot unit (enabled, never used by the
// engine to start or stop PostgreSQL) and the script it runs. The engine and repmgr keep starting
// PostgreSQL through bin/pg-service; this unit brings it back after a reboot and stops it cleanly
// (fast shutdown) before the VM goes down.
//
// A rebooted node that was a standby starts streaming again. A rebooted node that was the primary
// must never come back as a second writable primary: it starts as the primary only when its peer
// answers as a standby; it fences itself (marker + refusal, the rule pg-service already enforces)
// when the peer answers as a writable primary or the witness records the peer as the primary; and
// it stays down when it can tell neither within the wait, unless the witness still records it as the
// primary (the standby is gone too, and a standby promotes only with the witness's vote).
import { shellQuote, sqlLiteral } from "@pgaas/common";
import { scriptPaths } from "../layout.js";
import type { Member } from "../members.js";
import { withUnitHeader } from "../services/systemd-unit.js";
import { type PairSpec, peerOf } from "../spec.js";
import { withHeader } from "./header.js";
import { REPMGR_DATABASE, REPMGR_USER } from "./pg-hba.js";

/** Peer probes at boot: each waits up to two 2 s connects plus a 2 s pause, so ≤ 120 s in all. */
export const BOOT_PEER_ATTEMPTS = 20;
/** Room for the peer wait (≤ 120 s) plus pg-service's own start wait (≤ 120 s). */
const START_TIMEOUT_SECS = 300;
const STOP_TIMEOUT_SECS = 150;

export function bootStartPath(member: Member): string {
  return `${member.layout.scriptsDir}/pg-boot-start`;
}

export function renderPostgresUnit(member: Member): string {
  const pgService = scriptPaths(member.layout).pgService;
  return withUnitHeader(
    [
      "[Unit]",
      `Description=pgaas postgres ${member.layout.pair}/${member.name} (boot start, fenced primaries stay down)`,
      "After=network-online.target systemd-tmpfiles-setup.service",
      "Wants=network-online.target",
      "",
      "[Service]",
      // oneshot + RemainAfterExit: the postmaster pg_ctl forks stays in this unit's cgroup, and the
      // unit stays active so ExecStop runs at shutdown, after the units ordered after it stopped.
      "Type=oneshot",
      "RemainAfterExit=yes",
      "User=postgres",
      "WorkingDirectory=/tmp",
      `ExecStart=${bootStartPath(member)}`,
      // "-": PostgreSQL may already be down (stopped by repmgr or the fence watcher).
      `ExecStop=-${pgService} stop`,
      `TimeoutStartSec=${START_TIMEOUT_SECS}`,
      `TimeoutStopSec=${STOP_TIMEOUT_SECS}`,
      "Restart=no",
      "",
      "[Install]",
      "WantedBy=multi-user.target",
      "",
    ].join("\n"),
  );
}

function bootScript(member: Member, body: string): string {
  const lib = scriptPaths(member.layout).lib;
  const pgService = scriptPaths(member.layout).pgService;
  const prologue = `set -u
. ${shellQuote(lib)}
readonly PGAAS_PG_SERVICE=${shellQuote(pgService)}
# Started outside systemd (by the engine or repmgr) and already up: adopt it, so shutdown stops it.
if "$PGAAS_PG_BIN/pg_ctl" -D "$PGAAS_DATA_DIR" status >/dev/null 2>&1; then
  pgaas_log "boot: PostgreSQL already runs; adopted by the unit"
  exit 0
fi
`;
  return withHeader(`${prologue}${body}`, { shebang: "#!/bin/bash" });
}

/** The unit's ExecStart. The witness simply starts; a node applies the rule above. */
export function renderPostgresBootStart(spec: PairSpec, member: Member): string {
  if (member.kind === "witness") return bootScript(member, 'exec "$PGAAS_PG_SERVICE" start\n');
  const peer = peerOf(spec, member.name);
  const witnessPrimarySql = `SELECT node_name FROM repmgr.nodes WHERE type = ${sqlLiteral("primary")} AND active ORDER BY node_id LIMIT 1`;
  return bootScript(
    member,
    `readonly PGAAS_SELF=${shellQuote(member.name)}
readonly PGAAS_PEER=${shellQuote(peer.name)}
readonly PGAAS_SQL_WITNESS_PRIMARY=${shellQuote(witnessPrimarySql)}
ask() {
  "$PGAAS_PG_BIN/psql" -X -A -t -q -h "$1" -p "$2" -U ${shellQuote(REPMGR_USER)} -d ${shellQuote(REPMGR_DATABASE)} -c "$3" 2>/dev/null
}
witness_primary() { ask "$PGAAS_WITNESS_ADDRESS" "$PGAAS_WITNESS_PORT" "$PGAAS_SQL_WITNESS_PRIMARY"; }
fence() {
  printf 'fenced at boot: %s\\n' "$1" >"$PGAAS_FENCE_MARKER"
  pgaas_log "boot: fenced: $1"
  echo "pgaas: $1; rejoin this node as a standby" >&2
  exit 3
}
# A standby streams again; a fenced node is refused by pg-service itself.
if [ -e "$PGAAS_DATA_DIR/standby.signal" ] || [ -e "$PGAAS_FENCE_MARKER" ]; then
  exec "$PGAAS_PG_SERVICE" start
fi
i=0
while [ "$i" -lt ${BOOT_PEER_ATTEMPTS} ]; do
  case "$(ask "$PGAAS_PEER_ADDRESS" "$PGAAS_PEER_PORT" 'SELECT pg_is_in_recovery()')" in
    f) fence "$PGAAS_PEER is a writable primary" ;;
    t)
      pgaas_log "boot: $PGAAS_PEER is a standby; starting as the primary"
      exec "$PGAAS_PG_SERVICE" start ;;
  esac
  if [ "$(witness_primary)" = "$PGAAS_PEER" ]; then fence "the witness records $PGAAS_PEER as the primary"; fi
  sleep 2
  i=$((i + 1))
done
if [ "$(witness_primary)" = "$PGAAS_SELF" ]; then
  pgaas_log "boot: $PGAAS_PEER unreachable, the witness still records this node as the primary; starting"
  exec "$PGAAS_PG_SERVICE" start
fi
pgaas_log "boot: cannot tell whether $PGAAS_PEER was promoted; not starting as the primary"
echo "pgaas: neither $PGAAS_PEER nor the witness answered; not starting as the primary" >&2
exit 4
`,
  );
}
