import type { QueryInsightsOrder } from "@pgaas/api";
import { useState } from "react";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField } from "../../components/fields.js";
import { QueryView } from "../../components/QueryView.js";
import { formatDateTime, formatDuration, formatNumber, formatPercent } from "../../lib/format.js";
import { useQueryInsights } from "./api.js";

const ORDERS: readonly { value: QueryInsightsOrder; label: string }[] = [
  { value: "total_time", label: "Total time" },
  { value: "mean_time", label: "Mean time" },
  { value: "calls", label: "Calls" },
];

/** The database's top statements (pg_stat_statements on the primary), constants shown as $1, $2 … */
export function QueryInsights({ databaseId }: { databaseId: string }) {
  const [orderBy, setOrderBy] = useState<QueryInsightsOrder>("total_time");
  const query = useQueryInsights(databaseId, orderBy);
  return (
    <section className="card" aria-labelledby="insights-title">
      <h2 id="insights-title">Query insights</h2>
      <SelectField
        label="Top statements by"
        value={orderBy}
        options={ORDERS}
        onChange={(event) => setOrderBy(event.target.value as QueryInsightsOrder)}
      />
      <QueryView query={query} loadingLabel="Loading statements…">
        {({ statements, since }) =>
          statements.length === 0 ? (
            <EmptyState title="No statements recorded yet">
              Statements run in this database appear here once they complete.
            </EmptyState>
          ) : (
            <>
              <p className="muted">Counted since {formatDateTime(since)}; literal values show as $1, $2 …</p>
              <DataTable
                caption="Top statements"
                columns={["Statement", "Role", "Calls", "Total", "Mean", "Max", "Rows", "Cache hits"]}
              >
                {statements.map((statement) => (
                  <tr key={`${statement.queryId}:${statement.role}`}>
                    <th scope="row">
                      <code className="statement">{statement.query}</code>
                    </th>
                    <td>{statement.role}</td>
                    <td>{formatNumber(statement.calls)}</td>
                    <td>{formatDuration(statement.totalTimeMs)}</td>
                    <td>{formatDuration(statement.meanTimeMs)}</td>
                    <td>{formatDuration(statement.maxTimeMs)}</td>
                    <td>{formatNumber(statement.rows)}</td>
                    <td>{formatPercent(statement.cacheHitRatio)}</td>
                  </tr>
                ))}
              </DataTable>
            </>
          )
        }
      </QueryView>
    </section>
  );
}
