import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { TextField } from "../../components/fields.js";
import { QueryView } from "../../components/QueryView.js";
import { formatDateTime } from "../../lib/format.js";
import { useAudit } from "./api.js";

/** Audit entries newest first, 100 a page, filtered by action. */
export function AuditLog() {
  const [action, setAction] = useState("");
  const [pages, setPages] = useState<string[]>([]);
  const before = pages.at(-1);
  const query = useAudit(action, before);
  return (
    <>
      <div className="toolbar">
        <TextField
          label="Action"
          type="search"
          placeholder="e.g. createDatabase"
          value={action}
          onChange={(event) => {
            setAction(event.target.value);
            setPages([]);
          }}
        />
        {pages.length > 0 ? <Button onClick={() => setPages([])}>Newest entries</Button> : null}
      </div>
      <QueryView query={query} loadingLabel="Loading the audit log…">
        {({ entries }) =>
          entries.length === 0 ? (
            <EmptyState title="No audit entries" />
          ) : (
            <>
              <DataTable
                caption="Audit log"
                columns={["When", "Actor", "Action", "Target", "Outcome", "Request"]}
              >
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <td className="nowrap">{formatDateTime(entry.at)}</td>
                    <td>{entry.actor}</td>
                    <td>
                      <code>{entry.action}</code>
                    </td>
                    <td>
                      {entry.targetType}
                      {entry.targetId ? <code className="muted"> {entry.targetId}</code> : null}
                    </td>
                    <td>
                      <Badge tone={entry.outcome === "succeeded" ? "ok" : "bad"}>{entry.outcome}</Badge>
                    </td>
                    <td>
                      <code className="muted">{entry.requestId ?? "—"}</code>
                    </td>
                  </tr>
                ))}
              </DataTable>
              {entries.length === 100 ? (
                <Button className="load-more" onClick={() => setPages((p) => [...p, entries[99]?.at ?? ""])}>
                  Older entries
                </Button>
              ) : null}
            </>
          )
        }
      </QueryView>
    </>
  );
}
