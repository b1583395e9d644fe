import type { Database } from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { TextField } from "../../components/fields.js";
import { Notice } from "../../components/Notice.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { formatBytes, formatDateTime } from "../../lib/format.js";
import { Link, useLocation } from "../../lib/router.js";
import { useDatabases } from "./api.js";
import { stateTone } from "./database-state.js";
import { matchesSearch } from "./search.js";

function totalConnections(database: Database): string {
  const c = database.connections;
  return c ? String(c.active + c.idle + c.idleInTransaction + c.other) : "—";
}

export function DatabasesPage() {
  const { searchParams } = useLocation();
  const [search, setSearch] = useState("");
  const [includeDeleted, setIncludeDeleted] = useState(false);
  const query = useDatabases(includeDeleted);
  const deleted = searchParams.get("deleted");
  const restorableUntil = searchParams.get("restorableUntil");
  return (
    <>
      <PageHeader
        title="Databases"
        subtitle="Databases you own or hold a grant on."
        actions={
          <Link to="/databases/new" className="button button-primary">
            New database
          </Link>
        }
      />
      {deleted ? (
        <Notice>
          Database <strong>{deleted}</strong> was deleted.
          {restorableUntil && !Number.isNaN(Date.parse(restorableUntil))
            ? ` It can be restored until ${formatDateTime(restorableUntil)}.`
            : null}
        </Notice>
      ) : null}
      <div className="toolbar">
        <TextField
          label="Search"
          type="search"
          placeholder="name, owner or pair"
          value={search}
          onChange={(event) => setSearch(event.target.value)}
        />
        <label className="checkbox">
          <input
            type="checkbox"
            checked={includeDeleted}
            onChange={(event) => setIncludeDeleted(event.target.checked)}
          />
          Show deleted
        </label>
      </div>
      <QueryView query={query} loadingLabel="Loading databases…">
        {({ databases }) => {
          if (databases.length === 0) {
            return (
              <EmptyState title="No databases yet">
                <Link to="/databases/new">Create your first database</Link>
              </EmptyState>
            );
          }
          const shown = databases.filter((database) => matchesSearch(database, search));
          if (shown.length === 0) return <EmptyState title={`No database matches “${search}”`} />;
          return (
            <DataTable
              caption="Databases"
              columns={[
                "Name",
                "Pair",
                "Owner",
                { label: "Size", numeric: true },
                { label: "Connections", numeric: true },
                "Created",
                "State",
              ]}
            >
              {shown.map((database) => (
                <tr key={database.id} data-database={database.name}>
                  <th scope="row">
                    <Link to={`/databases/${database.id}`}>{database.name}</Link>
                  </th>
                  <td>{database.pairName}</td>
                  <td>{database.owner}</td>
                  <td className="num">{formatBytes(database.sizeBytes)}</td>
                  <td className="num">{totalConnections(database)}</td>
                  <td className="nowrap">{formatDateTime(database.createdAt)}</td>
                  <td>
                    <Badge tone={stateTone(database.state)}>{database.state}</Badge>
                    {database.state === "deleted" ? (
                      <>
                        {" "}
                        <Link to={`/databases/${database.id}`} aria-label={`Restore ${database.name}`}>
                          Restore
                        </Link>
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </DataTable>
          );
        }}
      </QueryView>
    </>
  );
}
