import { useState } from "react";
import { QueryView } from "../../components/QueryView.js";
import { RangePicker } from "../../components/RangePicker.js";
import { ReportCharts } from "../../components/ReportCharts.js";
import { env } from "../../config/env.js";
import { useDatabaseMetrics } from "./api.js";

/** Size, connections, TPS and cache hit ratio of the database, replication lag of its pair. */
export function DatabaseMetrics({ databaseId, pairId }: { databaseId: string; pairId: string }) {
  const [hours, setHours] = useState(env.VITE_PGAAS_DEFAULT_RANGE_HOURS);
  const query = useDatabaseMetrics(databaseId, pairId, hours);
  return (
    <section className="card" aria-labelledby="metrics-title">
      <div className="page-header">
        <h2 id="metrics-title">Metrics</h2>
        <RangePicker hours={hours} onChange={setHours} />
      </div>
      <QueryView query={query} loadingLabel="Loading metrics…">
        {({ database, pair }) => (
          <>
            <ReportCharts report={database} metrics={["size", "connections", "tps", "cacheHit"]} />
            <ReportCharts report={pair} metrics={["lagSeconds"]} />
          </>
        )}
      </QueryView>
    </section>
  );
}
