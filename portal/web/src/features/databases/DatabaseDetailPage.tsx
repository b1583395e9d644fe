import type { Database, Pair, User } from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { CopyButton } from "../../components/CopyButton.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { formatBytes, formatDateTime } from "../../lib/format.js";
import { Link, navigate } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { remove, useDatabaseDetail } from "./api.js";
import { connectionUriWithoutPassword } from "./connection-uri.js";
import { DatabaseGrants } from "./DatabaseGrants.js";
import { DatabaseMetrics } from "./DatabaseMetrics.js";
import { SettingsEditor } from "./SettingsEditor.js";

function ConnectionInfo({ database, pair }: { database: Database; pair: Pair }) {
  const uri = connectionUriWithoutPassword(database, pair);
  const c = database.connections;
  return (
    <section className="card" aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <dl className="facts">
        <dt>URI</dt>
        <dd>
          <code>{uri}</code> <CopyButton text={uri} label="Copy connection URI" />
        </dd>
        <dt>Endpoint</dt>
        <dd>
          <code>
            {pair.endpoint.host}:{pair.endpoint.port}
          </code>{" "}
          (follows the primary of pair {pair.name}; current primary {pair.primary ?? "none"})
        </dd>
        <dt>Owner</dt>
        <dd>{database.owner}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(database.sizeBytes)}</dd>
        <dt>Connections</dt>
        <dd>
          {c
            ? `${c.active} active, ${c.idle} idle, ${c.idleInTransaction} idle in transaction, ${c.other} other`
            : "no metrics yet"}
        </dd>
        <dt>Connection limit</dt>
        <dd>{database.connectionLimit === -1 ? "none" : database.connectionLimit}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(database.createdAt)}</dd>
        <dt>Metrics as of</dt>
        <dd>{formatDateTime(database.metricsAt)}</dd>
      </dl>
      <p className="muted">
        The password was shown once at creation. Lost it? Ask an admin to reset the owner role.
      </p>
    </section>
  );
}

export function DatabaseDetailPage({ id, user }: { id: string; user: User }) {
  const query = useDatabaseDetail(id);
  const [confirming, setConfirming] = useState(false);
  const deletion = useMutation((name: string) => remove(id, name));
  return (
    <QueryView query={query} loadingLabel="Loading database…">
      {({ database, pair, catalog }) => {
        const deleted = database.state === "deleted";
        const canManage = user.role === "admin" || database.createdBy === user.id;
        return (
          <>
            <PageHeader
              title={database.name}
              subtitle={
                <>
                  <Link to="/databases">Databases</Link> · pair {database.pairName} ·{" "}
                  <Badge tone={deleted ? "muted" : "ok"}>{database.state}</Badge>
                </>
              }
              actions={
                deleted || !canManage ? null : (
                  <Button variant="danger" onClick={() => setConfirming(true)}>
                    Delete database
                  </Button>
                )
              }
            />
            {deleted ? (
              <div className="alert alert-info">
                Deleted {formatDateTime(database.deletedAt)}; the record is kept.
              </div>
            ) : null}
            <ConnectionInfo database={database} pair={pair} />
            {deleted ? null : <DatabaseMetrics databaseId={database.id} pairId={database.pairId} />}
            {deleted || !canManage ? null : (
              <section className="card" aria-labelledby="settings-title">
                <h2 id="settings-title">Settings</h2>
                <SettingsEditor database={database} catalog={catalog.database} onSaved={query.reload} />
              </section>
            )}
            <DatabaseGrants databaseId={database.id} />
            <ConfirmDialog
              open={confirming}
              title={`Delete ${database.name}?`}
              confirmLabel="Delete database"
              typeToConfirm={database.name}
              busy={deletion.state.status === "running"}
              error={deletion.state.status === "error" ? deletion.state.error : undefined}
              onCancel={() => {
                setConfirming(false);
                deletion.reset();
              }}
              onConfirm={async () => {
                if (await deletion.run(database.name)) {
                  navigate(`/databases?deleted=${encodeURIComponent(database.name)}`);
                }
              }}
            >
              <p>
                This drops the database on pair {database.pairName}, terminates its sessions and removes its
                grants. It cannot be undone.
              </p>
            </ConfirmDialog>
          </>
        );
      }}
    </QueryView>
  );
}
