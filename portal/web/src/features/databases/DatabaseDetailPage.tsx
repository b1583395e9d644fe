import type { Database, DatabaseConnection, OwnerPasswordResponse, Pair, User } from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { CopyButton } from "../../components/CopyButton.js";
import { DEFAULT_OVERLAP, OverlapField } from "../../components/OverlapField.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { caCertificateItems, ShownOnce } from "../../components/ShownOnce.js";
import { formatBytes, formatDateTime } from "../../lib/format.js";
import { Link, navigate, PageTitle, useLocation } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { changeOwnerPassword, remove, useDatabaseDetail } from "./api.js";
import { ConnectionSnippets } from "./ConnectionSnippets.js";
import { DatabaseGrants } from "./DatabaseGrants.js";
import { DatabaseMetrics } from "./DatabaseMetrics.js";
import { stateTone } from "./database-state.js";
import { PoolingSwitch } from "./PoolingSwitch.js";
import { QueryInsights } from "./QueryInsights.js";
import { RestoreDatabase } from "./RestoreDatabase.js";
import { RestoreProgress } from "./RestoreProgress.js";
import { SettingsEditor } from "./SettingsEditor.js";
import { SlowQueries } from "./SlowQueries.js";

function ConnectionInfo({
  database,
  pair,
  connection,
}: {
  database: Database;
  pair: Pair;
  connection: DatabaseConnection | null;
}) {
  const c = database.connections;
  return (
    <section className="card" aria-labelledby="connection-title">
      <h2 id="connection-title">Connection</h2>
      <dl className="facts">
        {connection === null ? null : (
          <>
            <dt>Your URI</dt>
            <dd>
              <code>{connection.connectionUri}</code>{" "}
              <CopyButton text={connection.connectionUri} label="Copy connection URI" />
            </dd>
            {connection.pooledConnectionUri === null ? null : (
              <>
                <dt>Pooled URI</dt>
                <dd>
                  <code>{connection.pooledConnectionUri}</code>{" "}
                  <CopyButton text={connection.pooledConnectionUri} label="Copy pooled connection URI" />{" "}
                  (PgBouncer, transaction mode)
                </dd>
              </>
            )}
            <dt>You connect as</dt>
            <dd>
              <code>{connection.username}</code>{" "}
              {connection.role === "owner" ? "(the owner role)" : "(your own role from your access grant)"}
            </dd>
          </>
        )}
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
      {connection === null ? null : (
        <p className="muted">
          {connection.role === "owner"
            ? "The password was shown once when it was set. Lost it? Rotate the owner password above."
            : "Your password was shown once when you collected it. Lost it? Rotate it on the Access page."}
        </p>
      )}
    </section>
  );
}

export function DatabaseDetailPage({ id, user }: { id: string; user: User }) {
  const query = useDatabaseDetail(id);
  // A look at the pair as of T links here with T for "restore this database as of T".
  const restoreAt = useLocation().searchParams.get("restoreAt");
  const initialTime = restoreAt !== null && !Number.isNaN(Date.parse(restoreAt)) ? restoreAt : undefined;
  const [confirming, setConfirming] = useState<"delete" | "reset" | null>(null);
  const [issued, setIssued] = useState<OwnerPasswordResponse | null>(null);
  const [overlap, setOverlap] = useState<string>(DEFAULT_OVERLAP);
  // The list confirms the deletion and says until when it can be restored (the reply knows).
  const deletion = useMutation(async (name: string) => {
    const reply = await remove(id, name);
    const until =
      reply.restorableUntil === null ? "" : `&restorableUntil=${encodeURIComponent(reply.restorableUntil)}`;
    navigate(`/databases?deleted=${encodeURIComponent(name)}${until}`);
  });
  const reset = useMutation(async (databaseId: string) => {
    setIssued(await changeOwnerPassword(databaseId, Number(overlap)));
    // "You connect as" follows the rotation to the new login.
    query.reload();
  });
  return (
    <QueryView query={query} loadingLabel="Loading database…">
      {({ database, pair, catalog, connection }) => {
        const deleted = database.state === "deleted";
        const active = database.state === "active";
        const canManage = user.role === "admin" || database.createdBy === user.id;
        return (
          <>
            <PageTitle page={database.name} />
            <PageHeader
              title={database.name}
              subtitle={
                <>
                  <Link to="/databases">Databases</Link> · pair {database.pairName} ·{" "}
                  <Badge tone={stateTone(database.state)}>{database.state}</Badge>
                </>
              }
              actions={
                !active || !canManage ? null : (
                  <Button onClick={() => setConfirming("reset")}>Rotate owner password</Button>
                )
              }
            />
            {issued ? (
              <ShownOnce
                title={`New password for ${issued.credentials.username}`}
                items={[
                  { name: "connection-uri", label: "Connection URI", value: issued.connectionUri },
                  { name: "username", label: "Username", value: issued.credentials.username },
                  { name: "password", label: "Password", value: issued.credentials.password },
                  ...caCertificateItems(issued.caCertificate),
                ]}
              />
            ) : null}
            {issued?.previousUsername ? (
              <p className="alert alert-info" data-overlap-until={issued.previousValidUntil}>
                The previous login <code>{issued.previousUsername}</code> keeps working until{" "}
                {formatDateTime(issued.previousValidUntil)}: switch your clients to the new one before then.
              </p>
            ) : null}
            {deleted ? (
              <div className="alert alert-info">
                Deleted {formatDateTime(database.deletedAt)}; the record is kept. Restore it below while the
                pair's backups reach back to then.
              </div>
            ) : null}
            <RestoreProgress database={database} reload={query.reload} />
            <ConnectionInfo database={database} pair={pair} connection={connection} />
            {connection === null ? null : <ConnectionSnippets connection={connection} />}
            {active ? <DatabaseMetrics databaseId={database.id} pairId={database.pairId} /> : null}
            {active ? <QueryInsights databaseId={database.id} /> : null}
            {active ? <SlowQueries databaseId={database.id} /> : null}
            {!active || !canManage ? null : (
              <section className="card" aria-labelledby="settings-title">
                <h2 id="settings-title">Settings</h2>
                <SettingsEditor
                  database={database}
                  catalog={catalog.database}
                  pairSettings={pair.settings}
                  onSaved={query.reload}
                />
              </section>
            )}
            {!active || !canManage ? null : (
              <section className="card" aria-labelledby="pooling-title">
                <h2 id="pooling-title">Connection pooling</h2>
                <PoolingSwitch database={database} onSaved={query.reload} />
              </section>
            )}
            {(active || deleted) && canManage ? (
              <RestoreDatabase database={database} initialTime={initialTime} />
            ) : null}
            <DatabaseGrants databaseId={database.id} />
            {!active || !canManage ? null : (
              // Last on the page, not beside the title: on a phone the header's buttons are the first
              // thing under a thumb, and a destructive one must not be.
              <section className="card danger-zone" aria-labelledby="delete-title">
                <h2 id="delete-title">Delete this database</h2>
                <p className="muted">
                  Drops {database.name} and its owner role and ends its sessions; the record is kept.
                </p>
                <Button variant="danger" onClick={() => setConfirming("delete")}>
                  Delete database
                </Button>
              </section>
            )}
            <ConfirmDialog
              open={confirming === "reset"}
              title={`Rotate the password of ${database.owner}?`}
              confirmLabel="Rotate password"
              tone="primary"
              busy={reset.state.status === "running"}
              error={reset.state.status === "error" ? reset.state.error : undefined}
              onCancel={() => {
                setConfirming(null);
                setOverlap(DEFAULT_OVERLAP);
                reset.reset();
              }}
              onConfirm={async () => {
                if (await reset.run(database.id)) setConfirming(null);
              }}
            >
              <p>
                A new random password is shown once. With an overlap it comes with a second login of the owner
                role (<code>{database.owner}</code> and <code>{database.owner}_b</code> take turns), and the
                old password keeps working until the overlap ends; without one the current login gets the new
                password and every other password is refused at once.
              </p>
              <OverlapField value={overlap} onChange={setOverlap} />
            </ConfirmDialog>
            <ConfirmDialog
              open={confirming === "delete"}
              title={`Delete ${database.name}?`}
              confirmLabel="Delete database"
              typeToConfirm={database.name}
              busy={deletion.state.status === "running"}
              error={deletion.state.status === "error" ? deletion.state.error : undefined}
              onCancel={() => {
                setConfirming(null);
                deletion.reset();
              }}
              onConfirm={() => deletion.run(database.name)}
            >
              <p>
                This drops the database on pair {database.pairName}, terminates its sessions and removes its
                grants. A backup is requested at once (the delete does not wait for it); the database can be
                restored into a new one while the pair's backups reach back to the deletion.
              </p>
            </ConfirmDialog>
          </>
        );
      }}
    </QueryView>
  );
}
