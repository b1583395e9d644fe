// pgBackRest's `cmd-ssh`: plain ssh with the pair's postgres key and the pinned host keys of the pair's
// hosts, so archive-push (node → repository host) and backups (repository host → node) never prompt
// and never accept a changed host key. pgBackRest appends its own options and the remote command.
import { shellCommand } from "@pgaas/common";
import type { Member } from "../members.js";
import { withHeader } from "./header.js";

export function renderPgbackrestSsh(member: Member): string {
  const ssh = shellCommand([
    "/usr/bin/ssh",
    "-q",
    "-i",
    member.layout.sshPrivateKey,
    "-o",
    "BatchMode=yes",
    "-o",
    "StrictHostKeyChecking=yes",
    "-o",
    `UserKnownHostsFile=${member.layout.knownHosts}`,
    "-o",
    "ConnectTimeout=5",
    "-o",
    "ServerAliveInterval=5",
    "-o",
    "ServerAliveCountMax=3",
  ]);
  return withHeader(`exec ${ssh} "$@"\n`, { shebang: "#!/bin/bash" });
}
