// keepalived.conf for one node: VRRPv3 unicast between the two nodes, advert 0.05 s, both BACKUP with
// equal base priority. The VIP lives only where PostgreSQL accepts writes and the node is not fenced, or,
// for a bounded time, on the former primary whose PostgreSQL stopped (held: it refuses connections at
// once). Two track files say so (the VIP gate, kept by the fence watcher and opened by the promote command
// the moment the promotion took): one faults the instance when closed, the other raises an open node's
// priority so it preempts a held one. A track script, without weight, fails when the node is fenced or
// the gate's loop stopped beating. Two writable nodes have equal priority: the VIP never moves between them.

import { scriptPaths } from "../layout.js";
import type { Member } from "../members.js";
import { type PairSpec, peerOf } from "../spec.js";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";
import { VIP_OPEN_PRIORITY_BONUS } from "./scripts.js";

/** keepalived's escaper: a double-quoted string, with quotes and backslashes escaped. */
export function keepalivedString(value: string): string {
  assertOneLine(value, "keepalived value");
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

function instanceName(spec: PairSpec): string {
  return `pgaas_${spec.name.replaceAll("-", "_")}`;
}

export function renderKeepalivedConf(spec: PairSpec, member: Member): string {
  const peer = peerOf(spec, member.name);
  const scripts = scriptPaths(member.layout);
  const name = instanceName(spec);
  const iface = spec.endpoint.interface;
  const body = `global_defs {
  router_id ${name}_${member.name}
  vrrp_version 3
  script_user postgres
  enable_script_security
  # A master that sees a higher priority advert answers once before it yields, so the new master
  # repeats its gratuitous ARPs should the two have overlapped.
  vrrp_higher_prio_send_advert
}

# keepalived watches the files with inotify, so the VIP follows a promotion at once instead of at the next
# script run (its interval cannot go below 1 s). Until the gate's loop writes, the gate says 1 (closed).
track_file ${name}_gate {
  file ${keepalivedString(member.layout.vipGate)}
  weight 0
  init_file 1 overwrite
}

# 0, or ${VIP_OPEN_PRIORITY_BONUS} while the gate is open (writable): added to the priority, so a promoted node preempts the
# former primary that holds the VIP while its PostgreSQL is down.
track_file ${name}_priority {
  file ${keepalivedString(member.layout.vipPriority)}
  weight 1
  init_file 0 overwrite
}

vrrp_script ${name}_alive {
  script ${keepalivedString(scripts.keepalivedCheck)}
  interval 1
  timeout 2
  fall 1
  rise 1
}

# advert 0.05 s: a node whose gate opens takes the VIP after ~0.17 s (3 adverts + skew) instead of ~0.36 s
# at 0.1 s. Late adverts under load cannot move the VIP to a standby: its gate is closed, so it stays in
# FAULT; only a writable, unfenced node, or a former primary still holding the VIP, can become master.
vrrp_instance ${name} {
  state BACKUP
  interface ${iface}
  virtual_router_id ${spec.endpoint.vrrpRouterId}
  priority 100
  advert_int 0.05
  unicast_src_ip ${member.address}
  unicast_peer {
    ${peer.address}
  }
  virtual_ipaddress {
    ${spec.endpoint.address}/32 dev ${iface}
  }
  track_file {
    ${name}_gate
    ${name}_priority
  }
  track_script {
    ${name}_alive
  }
}
`;
  return withHeader(body);
}
