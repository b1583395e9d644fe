// keepalived.conf for one node: VRRPv3 unicast between the two nodes, advert 0.1 s, both BACKUP with
// nopreempt and equal priority (the VIP never moves back by itself), and a track script without weight:
// the VIP lives only where PostgreSQL accepts writes and the node is not fenced.

import { scriptPaths } from "../layout.js";
import type { Member } from "../members.js";
import { type PairSpec, peerOf } from "../spec.js";
import { withHeader } from "./header.js";
import { assertOneLine } from "./one-line.js";

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
}

vrrp_script ${name}_writable {
  script ${keepalivedString(scripts.keepalivedCheck)}
  interval 1
  timeout 2
  fall 1
  rise 1
}

# advert 0.1 s: a node whose check starts passing takes the VIP after ~0.36 s (3 adverts + skew) instead
# of ~0.72 s. Faster adverts cannot move the VIP to a standby: its check fails, so it stays in FAULT.
vrrp_instance ${name} {
  state BACKUP
  nopreempt
  interface ${iface}
  virtual_router_id ${spec.endpoint.vrrpRouterId}
  priority 100
  advert_int 0.1
  unicast_src_ip ${member.address}
  unicast_peer {
    ${peer.address}
  }
  virtual_ipaddress {
    ${spec.endpoint.address}/32 dev ${iface}
  }
  track_script {
    ${name}_writable
  }
}
`;
  return withHeader(body);
}
