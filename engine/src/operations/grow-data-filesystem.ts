// After a node's data volume grew in the cloud (Cinder extend, GCP disk resize, both online), the ext4
// filesystem on it grows too, online: `resize2fs` on the device mounted under the member's state
// directory. PostgreSQL keeps running; a filesystem already at the device's size is left as it is.
import { shellCommand } from "@pgaas/common";
import type { PairHosts } from "../hosts.js";
import type { MemberSession } from "../member-session.js";
import { openPairSessions } from "../pair-sessions.js";
import { type ProgressListener, StepRunner } from "../progress.js";
import type { PairSpec } from "../spec.js";

/** The shell command: find the device behind the member's state directory, then grow its filesystem. */
export function growDataFilesystemCommand(stateDir: string): string {
  return [
    `device=$(findmnt -n -o SOURCE --target ${shellCommand([stateDir])})`,
    'case "$device" in /dev/*) ;; *) echo "no block device under the data directory: $device" >&2; exit 3;; esac',
    'resize2fs "$device" 2>&1',
  ].join("\n");
}

export async function growDataFilesystem(
  session: MemberSession,
): Promise<{ changed: boolean; detail: string }> {
  const out = await session.sh(
    growDataFilesystemCommand(session.member.layout.stateDir),
    "grow-filesystem",
    300_000,
  );
  const changed = !/Nothing to do/i.test(out);
  return { changed, detail: out.trim().split("\n").at(-1) ?? "" };
}

/** Grows the data filesystem of each named node, one node after the other. */
export async function growDataFilesystems(
  spec: PairSpec,
  hosts: PairHosts,
  nodes: readonly string[],
  options: { onProgress?: ProgressListener } = {},
): Promise<void> {
  if (nodes.length === 0) return;
  const runner = new StepRunner(options.onProgress);
  const pair = await openPairSessions(spec, hosts);
  try {
    for (const name of nodes)
      await runner.run("grow-filesystem", name, () => growDataFilesystem(pair.node(name)));
  } finally {
    await pair.close();
  }
}
