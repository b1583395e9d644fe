// Backups per pair, as RDS shows them: the latest restorable second, the RPO (archive lag), every
// backup with its time, type, size and WAL range, the last verified restore, and (admins) "take a
// backup now", "verify now", a look at the whole pair as of a time and the Pulumi program that
// restores the pair into a new pair.
import type { BackupInventory, BackupRequest, BackupType, User } from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { formatAge, formatBytes, formatDateTime, formatDuration } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { type PairBackupsView, requestBackup, usePairBackups } from "./api.js";
import { LastVerification } from "./LastVerification.js";
import { LookAsOf } from "./LookAsOf.js";
import { RestorePairIntoNewPair } from "./RestorePairIntoNewPair.js";

const TYPES: readonly { value: BackupType; label: string }[] = [
  { value: "full", label: "Full" },
  { value: "diff", label: "Differential (since the last full)" },
  { value: "incr", label: "Incremental (since the last backup)" },
];

/** The RPO right now: how much committed work the repository lacks. Over 5 minutes is a problem. */
function rpoBadge(inventory: BackupInventory) {
  const lag = inventory.archiveLagSeconds;
  if (lag === null) return <Badge tone="warn">unknown</Badge>;
  const text = lag === 0 ? "0 s (archive current)" : formatDuration(lag * 1000);
  return <Badge tone={lag > 300 ? "bad" : lag > 60 ? "warn" : "ok"}>{text}</Badge>;
}

function requestTone(state: BackupRequest["state"]) {
  return state === "failed" ? "bad" : state === "succeeded" ? "ok" : "info";
}

function TakeBackup({
  pairId,
  primary,
  onRequested,
}: {
  pairId: string;
  primary: string | null;
  onRequested: () => void;
}) {
  const [type, setType] = useState<BackupType>("full");
  const mutation = useMutation(requestBackup);
  return (
    <form
      className="toolbar"
      onSubmit={async (event) => {
        event.preventDefault();
        if (await mutation.run({ pairId, type })) onRequested();
      }}
    >
      <SelectField
        label="Backup type"
        value={type}
        options={TYPES}
        onChange={(event) => setType(event.target.value as BackupType)}
      />
      <Button type="submit" variant="primary" busy={mutation.state.status === "running"} disabled={!primary}>
        Take backup now
      </Button>
      <MutationError state={mutation.state} />
    </form>
  );
}

function Inventory({ inventory }: { inventory: BackupInventory }) {
  const newestFirst = [...inventory.backups].reverse();
  return (
    <>
      <dl className="facts">
        <dt>Latest restorable time</dt>
        <dd>{inventory.restorableTo ? formatDateTime(inventory.restorableTo) : "nothing archived yet"}</dd>
        <dt>Restorable from</dt>
        <dd>{inventory.restorableFrom ? formatDateTime(inventory.restorableFrom) : "no backup yet"}</dd>
        <dt>RPO (archive lag)</dt>
        <dd>{rpoBadge(inventory)}</dd>
        <dt>Archive failures (since PostgreSQL started)</dt>
        <dd>
          {inventory.archiveFailures === 0 ? "none" : <Badge tone="bad">{inventory.archiveFailures}</Badge>}
        </dd>
        <dt>Repository</dt>
        <dd>
          {inventory.statusMessage} (stanza <code>{inventory.stanza}</code>)
        </dd>
      </dl>
      {newestFirst.length === 0 ? (
        <EmptyState title="No backups in the repository yet" />
      ) : (
        <DataTable
          caption="Backups"
          columns={[
            "Backup",
            "Type",
            "Finished",
            { label: "Took", numeric: true },
            { label: "Database size", numeric: true },
            { label: "Stored", numeric: true },
            "WAL range",
          ]}
        >
          {newestFirst.map((backup) => (
            <tr key={backup.label} data-backup={backup.label}>
              <th scope="row">
                <code>{backup.label}</code>
              </th>
              <td>{backup.type}</td>
              <td>{formatDateTime(backup.stoppedAt)}</td>
              <td className="num">
                {formatDuration(Date.parse(backup.stoppedAt) - Date.parse(backup.startedAt))}
              </td>
              <td className="num">{formatBytes(backup.databaseBytes)}</td>
              <td className="num">{formatBytes(backup.repositoryBytes)}</td>
              <td>
                <code>
                  {backup.walStart ?? "—"} … {backup.walStop ?? "—"}
                </code>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}

function PairBackupsCard({
  view,
  isAdmin,
  onRequested,
}: {
  view: PairBackupsView;
  isAdmin: boolean;
  onRequested: () => void;
}) {
  const { pair, backups } = view;
  return (
    <section className="card" aria-labelledby={`backups-${pair.id}`} data-pair={pair.name}>
      <div className="page-header">
        <h2 id={`backups-${pair.id}`}>{pair.name}</h2>
        {backups.reportedAt ? (
          <span className="muted">
            reported by {backups.reportedBy} {formatAge(backups.reportedAt)}
          </span>
        ) : null}
      </div>
      {backups.inventory ? (
        <Inventory inventory={backups.inventory} />
      ) : (
        <EmptyState title="No backup inventory reported">
          The pair has no backups configured, or its primary's agent has not reported yet.
        </EmptyState>
      )}
      {isAdmin && backups.inventory ? (
        <TakeBackup pairId={pair.id} primary={pair.primary} onRequested={onRequested} />
      ) : null}
      {backups.inventory ? (
        <LastVerification
          pairId={pair.id}
          check={backups.lastVerification}
          isAdmin={isAdmin}
          onRequested={onRequested}
        />
      ) : null}
      {isAdmin && backups.inventory ? <LookAsOf pairId={pair.id} pairName={pair.name} /> : null}
      {isAdmin && backups.inventory ? (
        <RestorePairIntoNewPair pairName={pair.name} inventory={backups.inventory} />
      ) : null}
      {backups.requests.length > 0 ? (
        <>
          <h3 className="section-heading">Requested backups</h3>
          <ul className="backup-requests">
            {backups.requests.map((request) => (
              <li key={request.id} data-request={request.state}>
                <Badge tone={requestTone(request.state)}>{request.state}</Badge> {request.backupType} on{" "}
                {request.nodeName}, requested {formatDateTime(request.requestedAt)}
                {request.message ? `: ${request.message}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

export function BackupsPage({ user }: { user: User }) {
  const query = usePairBackups();
  return (
    <>
      <PageHeader
        title="Backups"
        subtitle="Continuous archiving with pgBackRest: what each pair can be restored to, and its backups."
      />
      <QueryView query={query} loadingLabel="Loading backups…">
        {(views) =>
          views.length === 0 ? (
            <EmptyState title="No pairs registered yet" />
          ) : (
            views.map((view) => (
              <PairBackupsCard
                key={view.pair.id}
                view={view}
                isAdmin={user.role === "admin"}
                onRequested={query.reload}
              />
            ))
          )
        }
      </QueryView>
    </>
  );
}
