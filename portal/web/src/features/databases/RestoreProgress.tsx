// A restored database's state on its page: progress while the primary restores it (the page reloads
// every few seconds until it is done), and why it failed when it did.
import type { Database } from "@pgaas/api";
import { useEffect } from "react";
import { formatDateTime } from "../../lib/format.js";

const RELOAD_MS = 3000;

export function RestoreProgress({ database, reload }: { database: Database; reload: () => void }) {
  const restoring = database.state === "restoring";
  useEffect(() => {
    if (!restoring) return;
    const timer = window.setInterval(reload, RELOAD_MS);
    return () => window.clearInterval(timer);
  }, [restoring, reload]);
  const target = database.restoreTarget
    ? `as of ${formatDateTime(database.restoreTarget)}`
    : "to the latest state";
  if (restoring) {
    return (
      <div className="alert alert-info" role="status">
        <p className="alert-title">Restoring {target}…</p>
        <p>
          The pair's primary restores its backup into a scratch instance and copies the database out of it.
        </p>
      </div>
    );
  }
  if (database.state === "restore_failed") {
    return (
      <div className="alert alert-error" role="alert">
        <p className="alert-title">The restore {target} failed; nothing of it was kept.</p>
        <p className="alert-detail">{database.error}</p>
      </div>
    );
  }
  return null;
}
