import {
  AUDIT_ACTION_LABELS,
  type AuditEntry,
  type AuditFilter,
  auditActionLabel,
  DELETED_USER,
} from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField, TextField } from "../../components/fields.js";
import { QueryView } from "../../components/QueryView.js";
import { utcInputToIso } from "../../lib/expiry.js";
import { formatDateTime } from "../../lib/format.js";
import { auditExportUrl, useAudit } from "./api.js";

const ACTION_OPTIONS = [
  { value: "", label: "Any action" },
  ...Object.entries(AUDIT_ACTION_LABELS)
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label)),
];
const OUTCOME_OPTIONS = [
  { value: "", label: "Any outcome" },
  { value: "succeeded", label: "Succeeded" },
  { value: "failed", label: "Failed" },
];

interface Draft {
  actor: string;
  action: string;
  outcome: string;
  target: string;
  from: string;
  to: string;
}
const NO_FILTER: Draft = { actor: "", action: "", outcome: "", target: "", from: "", to: "" };

/** The typed filters as the API takes them: blanks left out, times read as UTC. */
function toFilter(draft: Draft): AuditFilter {
  const from = utcInputToIso(draft.from);
  const to = utcInputToIso(draft.to);
  return {
    ...(draft.actor.trim() ? { actor: draft.actor.trim() } : {}),
    ...(draft.action ? { action: draft.action } : {}),
    ...(draft.outcome === "succeeded" || draft.outcome === "failed" ? { outcome: draft.outcome } : {}),
    ...(draft.target.trim() ? { target: draft.target.trim() } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
  };
}

/** A deleted account keeps its id next to the words "deleted user". */
function Who({ name, id }: { name: string; id: string | null }) {
  return (
    <>
      {name}
      {name === DELETED_USER && id ? <code className="muted"> {id}</code> : null}
    </>
  );
}

function EntryRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr>
      <td className="nowrap">{formatDateTime(entry.at)}</td>
      <td>
        <Who name={entry.actorName} id={entry.actorId} />
        {entry.actor.startsWith("token:") ? <div className="muted">with an API token</div> : null}
      </td>
      <td>{auditActionLabel(entry.action)}</td>
      <td>
        {entry.targetName ? <Who name={entry.targetName} id={entry.targetId} /> : null}
        <div className="muted">
          {entry.targetType}
          {entry.targetName === null && entry.targetId ? <code> {entry.targetId}</code> : null}
        </div>
      </td>
      <td>
        <Badge tone={entry.outcome === "succeeded" ? "ok" : "bad"}>{entry.outcome}</Badge>
        {entry.failure ? (
          <div className="muted">
            {entry.failure.message} <code>{entry.failure.code}</code>
          </div>
        ) : null}
      </td>
      <td>
        <code className="muted">{entry.requestId ?? "—"}</code>
      </td>
    </tr>
  );
}

/**
 * The audit log newest first, a page at a time (the server pages by cursor), filtered by actor,
 * action, outcome, target and a UTC time range; the same filters export as CSV.
 */
export function AuditLog() {
  const [draft, setDraft] = useState<Draft>(NO_FILTER);
  // Cursors of the pages shown before this one; the first page has none.
  const [cursors, setCursors] = useState<string[]>([]);
  const filter = toFilter(draft);
  const invalidRange = filter.from !== undefined && filter.to !== undefined && filter.from >= filter.to;
  const query = useAudit(invalidRange ? toFilter({ ...draft, to: "" }) : filter, cursors.at(-1));
  const edit = (field: keyof Draft) => (event: { target: { value: string } }) => {
    setDraft({ ...draft, [field]: event.target.value });
    setCursors([]);
  };
  return (
    <>
      <form className="toolbar" aria-label="Audit filters" onSubmit={(event) => event.preventDefault()}>
        <TextField
          label="Actor"
          type="search"
          placeholder="name or email"
          value={draft.actor}
          onChange={edit("actor")}
        />
        <SelectField label="Action" value={draft.action} options={ACTION_OPTIONS} onChange={edit("action")} />
        <SelectField
          label="Outcome"
          value={draft.outcome}
          options={OUTCOME_OPTIONS}
          onChange={edit("outcome")}
        />
        <TextField
          label="Target"
          type="search"
          placeholder="name or id"
          value={draft.target}
          onChange={edit("target")}
        />
        <TextField label="From (UTC)" type="datetime-local" value={draft.from} onChange={edit("from")} />
        <TextField
          label="To (UTC)"
          type="datetime-local"
          value={draft.to}
          onChange={edit("to")}
          error={invalidRange ? "after From" : undefined}
        />
        <a className="button button-secondary" href={auditExportUrl(filter)} download>
          Export CSV
        </a>
      </form>
      <QueryView query={query} loadingLabel="Loading the audit log…">
        {({ entries, nextCursor }) =>
          entries.length === 0 ? (
            <EmptyState title="No audit entries" />
          ) : (
            <>
              <DataTable
                caption="Audit log"
                columns={["When (UTC)", "Actor", "Action", "Target", "Outcome", "Request"]}
              >
                {entries.map((entry) => (
                  <EntryRow key={entry.id} entry={entry} />
                ))}
              </DataTable>
              <nav className="pager" aria-label="Audit pages">
                <Button disabled={cursors.length === 0} onClick={() => setCursors([])}>
                  Newest
                </Button>
                <Button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
                  Newer
                </Button>
                <span>Page {cursors.length + 1}</span>
                <Button
                  disabled={nextCursor === null}
                  onClick={() => nextCursor !== null && setCursors([...cursors, nextCursor])}
                >
                  Older
                </Button>
              </nav>
            </>
          )
        }
      </QueryView>
    </>
  );
}
