// Wakes the agent the moment a file that signals a role change appears or vanishes: standby.signal
// (promotion removes it, a rejoin creates it), postmaster.pid (start/stop) and the fence marker.
// Polling stays the source of truth; this only shortens "promoted" → "reported" to well under a tick.
import { type FSWatcher, watch } from "node:fs";
import { basename, dirname, join } from "node:path";

export function watchRoleFiles(dataDir: string, fenceMarkerFile: string, onChange: () => void): () => void {
  const targets = new Map<string, Set<string>>();
  const add = (path: string): void => {
    const dir = dirname(path);
    const names = targets.get(dir) ?? new Set<string>();
    names.add(basename(path));
    targets.set(dir, names);
  };
  add(join(dataDir, "standby.signal"));
  add(join(dataDir, "postmaster.pid"));
  add(fenceMarkerFile);
  const watchers: FSWatcher[] = [];
  for (const [dir, names] of targets) {
    try {
      const watcher = watch(dir, { persistent: false }, (_event, name) => {
        if (name === null || names.has(String(name))) onChange();
      });
      watcher.on("error", () => watcher.close());
      watchers.push(watcher);
    } catch {
      // A directory that does not exist (yet) or that we may not read: polling still covers it.
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
  };
}
