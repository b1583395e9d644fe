// destroyLab: removes everything lab.json records — every process in each lab namespace (killed by
// PID from `ip netns pids`), the namespaces, the host-side link — and the lab's files. Safe to call
// twice, after a crash, or for a directory that holds no lab.
import { rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { deleteLink, deleteNamespace } from "./lab-network.js";
import { labFile, readLabRecord } from "./lab-state.js";
import { preflight } from "./system.js";

export async function destroyLab(stateDir: string): Promise<void> {
  const record = await readLabRecord(stateDir);
  if (!record) return;
  await preflight();
  // Hosts first: their processes (postgres, repmgrd, keepalived, sshd) die before the switch goes.
  for (const host of record.hosts) await deleteNamespace(host.namespace);
  await deleteNamespace(record.switchNamespace);
  await deleteLink(record.hostLink);
  for (const name of ["hosts", "id_ed25519", "id_ed25519.pub", "authorized_keys"]) {
    await rm(join(stateDir, name), { recursive: true, force: true });
  }
  await rm(labFile(stateDir), { force: true });
  await rmdir(stateDir).catch(() => undefined);
}
