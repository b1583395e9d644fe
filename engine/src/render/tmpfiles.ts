// systemd-tmpfiles entries for a member's run directory (sockets, PID files): /run is a tmpfs on VMs,
// so it is created again at every boot, before any unit of the member starts.
import type { Member } from "../members.js";
import { withHeader } from "./header.js";

export function tmpfilesPath(member: Member): string {
  return `/etc/tmpfiles.d/pgaas-${member.layout.pair}-${member.name}.conf`;
}

/** `/run/pgaas/<pair>/<member>` → its ancestors below /run (root-owned), then itself (postgres-owned). */
export function renderTmpfilesConf(member: Member): string {
  const runDir = member.layout.runDir;
  const parts = runDir.split("/").filter(Boolean);
  const ancestors = parts.slice(1, -1).map((_, index) => `/${parts.slice(0, index + 2).join("/")}`);
  const lines = [
    ...ancestors.map((path) => `d ${path} 0755 root root -`),
    `d ${runDir} 0755 postgres postgres -`,
  ];
  return withHeader(`${lines.join("\n")}\n`);
}
