// The known_hosts repmgr's node-to-node SSH uses: each node's address with the host key the engine
// saw (and pinned) when it connected to that node. No hashing: the file holds only the pair's nodes.
import { withHeader } from "./header.js";

export interface KnownHost {
  readonly address: string;
  /** OpenSSH public key line, e.g. "ssh-ed25519 AAAA…". */
  readonly hostKey: string;
}

export function renderKnownHosts(hosts: readonly KnownHost[]): string {
  const lines = hosts.map((host) => {
    if (!/^[a-z0-9@.-]+ [A-Za-z0-9+/=]+$/.test(host.hostKey)) {
      throw new TypeError(`host key of ${host.address} is not one OpenSSH public key line`);
    }
    return `${host.address} ${host.hostKey}\n`;
  });
  return withHeader(lines.join(""));
}
