import { SLOW_QUERIES_DEFAULT_HOURS } from "@pgaas/api";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { QueryView } from "../../components/QueryView.js";
import { formatDateTime, formatDuration } from "../../lib/format.js";
import { useSlowQueries } from "./api.js";

/**
 * The database's statements slower than log_min_duration_statement, from the servers' logs. The text is
 * pg_stat_statements' normalised one (constants as $1, $2 …): the logged statement with its literals
 * never leaves the server.
 */
export function SlowQueries({ databaseId }: { databaseId: string }) {
  const query = useSlowQueries(databaseId);
  return (
    <section className="card" aria-labelledby="slow-queries-title">
      <h2 id="slow-queries-title">Slow queries</h2>
      <QueryView query={query} loadingLabel="Loading slow queries…">
        {({ slowQueries }) =>
          slowQueries.length === 0 ? (
            <EmptyState title="No slow statements">
              No statement in the last {SLOW_QUERIES_DEFAULT_HOURS} hours took longer than the pair's
              log_min_duration_statement (1 s unless an admin changed it in the pair settings).
            </EmptyState>
          ) : (
            <>
              <p className="muted">
                The last {SLOW_QUERIES_DEFAULT_HOURS} hours, newest first; literal values show as $1, $2 …
              </p>
              <DataTable
                caption="Slow statements"
                columns={["Statement", "When", "Duration", "Login", "Node"]}
              >
                {slowQueries.map((slow) => (
                  <tr key={`${slow.at}:${slow.node}:${slow.queryId}`}>
                    <th scope="row">
                      {slow.query === null ? (
                        <span className="muted">(text no longer kept by pg_stat_statements)</span>
                      ) : (
                        <code className="statement">{slow.query}</code>
                      )}
                    </th>
                    <td>{formatDateTime(slow.at)}</td>
                    <td>{formatDuration(slow.durationMs)}</td>
                    <td>{slow.user}</td>
                    <td>{slow.node}</td>
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
