// Wakes the agent the moment a file that signals a role change appears or vanishes: standby.signal
// (promotion removes it, a rejoin creates it), postmaster.pid (start/stop) and the fence marker.
// Polling stays the source of truth; this only shortens "promoted" → "reported" to well under a tick.
// A rejoin by fresh clone replaces the data directory, so `refresh()` (called every state interval)
// re-arms a watch whose directory was replaced or did not exist yet.
import { type FSWatcher, statSync, watch } from "node:fs";
import { basename, dirname, join } from "node:path";

export interface RoleFileWatch {
  refresh(): void;
  close(): void;
}

export function watchRoleFiles(
  dataDir: string,
  fenceMarkerFile: string,
  onChange: () => void,
): RoleFileWatch {
  const targets = new Map<string, Set<string>>();
  for (const path of [join(dataDir, "standby.signal"), join(dataDir, "postmaster.pid"), fenceMarkerFile]) {
    const names = targets.get(dirname(path)) ?? new Set<string>();
    names.add(basename(path));
    targets.set(dirname(path), names);
  }
  // A re-created directory often gets the same inode back: its birth time tells them apart.
  const armed = new Map<string, { watcher: FSWatcher; identity: string }>();
  const disarm = (dir: string): void => {
    armed.get(dir)?.watcher.close();
    armed.delete(dir);
  };
  const arm = (dir: string, names: ReadonlySet<string>): void => {
    let identity: string;
    try {
      const stats = statSync(dir);
      identity = `${stats.ino}:${stats.birthtimeMs}`;
    } catch {
      disarm(dir); // not there (yet): polling covers it until it is
      return;
    }
    const current = armed.get(dir);
    if (current?.identity === identity) return;
    disarm(dir);
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) onChange();
      });
      const entry = { watcher, identity };
      // A watch that broke (its directory went away) is re-armed, and reported, by the next refresh.
      watcher.on("error", () => {
        watcher.close();
        entry.identity = "";
      });
      armed.set(dir, entry);
    } catch {
      return; // a directory we may not read: polling covers it
    }
    // The directory was replaced under an earlier watch: whatever happened there went unseen.
    if (current) onChange();
  };
  const refresh = (): void => {
    for (const [dir, names] of targets) arm(dir, names);
  };
  refresh();
  return {
    refresh,
    close() {
      for (const dir of [...armed.keys()]) disarm(dir);
    },
  };
}
