// Closes the archive's gap at a failover. pgBackRest refuses archive_mode=always, so a standby does not
// archive what it streams; segments the old primary completed but had not pushed yet would be missing
// from the repository forever. Right after this node is promoted, it pushes every complete segment of
// the timeline it left (those before the switch point in the newest history file) that its pg_wal still
// holds. A segment already in the repository is accepted again when its checksum matches.
import { shellQuote } from "@pgaas/common";
import { backupLayout, PGBACKREST_BIN, stanzaOf } from "../backup/backup-layout.js";
import { scriptPaths } from "../layout.js";
import type { Member } from "../members.js";
import type { PairSpec } from "../spec.js";
import { withHeader } from "./header.js";

export function renderArchiveHandover(spec: PairSpec, member: Member): string {
  const lib = scriptPaths(member.layout).lib;
  const body = `set -u
. ${shellQuote(lib)}
readonly conf=${shellQuote(backupLayout(member.layout).conf)}
readonly stanza=${shellQuote(stanzaOf(spec))}
readonly wal="$PGAAS_DATA_DIR/pg_wal"
# repmgr may report one promotion as two events: one run does the work.
exec 9>"$PGAAS_SOCKET_DIR/archive-handover.lock"
flock -n 9 || { pgaas_log "archive handover: already running"; exit 0; }
history=$(find "$wal" -maxdepth 1 -regextype posix-extended -regex '.*/[0-9A-F]{8}\\.history' -printf '%f\\n' | sort | tail -n 1)
if [ -z "$history" ]; then
  pgaas_log "archive handover: no timeline history, nothing to push"
  exit 0
fi
# The last line: <timeline left> <switch LSN> <reason>.
read -r old_tli switch_lsn _ < <(grep -E '^[0-9]+[[:space:]]' "$wal/$history" | tail -n 1)
seg_size=$(pgaas_psql -c "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'wal_segment_size'") || exit 1
per_id=$(( 0x100000000 / seg_size ))
switch_seg=$(( (16#\${switch_lsn%/*} * 0x100000000 + 16#\${switch_lsn#*/}) / seg_size ))
old=$(printf '%08X' "$old_tli")
limit=$(printf '%s%08X%08X' "$old" $(( switch_seg / per_id )) $(( switch_seg % per_id )))
pushed=0
failed=0
for path in "$wal/$old"*; do
  name=\${path##*/}
  [[ $name =~ ^[0-9A-F]{24}$ && $name < $limit ]] || continue
  if ${shellQuote(PGBACKREST_BIN)} --config="$conf" --stanza="$stanza" --no-archive-async archive-push "$path" >>"$PGAAS_LOG" 2>&1; then
    pushed=$(( pushed + 1 ))
  else
    failed=$(( failed + 1 ))
  fi
done
pgaas_log "archive handover: timeline $old before $limit: $pushed pushed, $failed failed"
[ "$failed" -eq 0 ]
`;
  return withHeader(body, { shebang: "#!/bin/bash" });
}
