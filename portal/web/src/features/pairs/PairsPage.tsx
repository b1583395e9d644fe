import { Badge } from "../../components/Badge.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { formatAge, formatBytes, formatDateTime, formatDuration } from "../../lib/format.js";
import { type PairOverview, usePairsOverview } from "./api.js";
import { nodeHealthBadge, pairHealthBadge, syncBadge } from "./health.js";

function lagText(bytes: number | null, seconds: number | null): string {
  if (bytes === null && seconds === null) return "—";
  return `${formatBytes(bytes)} / ${seconds === null ? "—" : `${seconds.toFixed(1)} s`}`;
}

function PairCard({ overview }: { overview: PairOverview }) {
  const { pair, lastFailover } = overview;
  const health = pairHealthBadge(pair.health);
  const sync = syncBadge(pair.syncState);
  return (
    <section className="card" aria-labelledby={`pair-${pair.id}`} data-pair={pair.name}>
      <div className="page-header">
        <h2 id={`pair-${pair.id}`}>{pair.name}</h2>
        <Badge tone={health.tone}>{health.label}</Badge>
      </div>
      {pair.reason ? (
        <p
          className={`alert alert-${pair.health === "no_primary" ? "error" : "warn"}`}
          data-reason={pair.reason.code}
        >
          {pair.reason.message}
        </p>
      ) : null}
      <dl className="facts">
        <dt>Endpoint</dt>
        <dd>
          <code>
            {pair.endpoint.host}:{pair.endpoint.port}
          </code>
        </dd>
        <dt>Primary</dt>
        <dd>{pair.primary ?? <Badge tone="bad">none</Badge>}</dd>
        <dt>Replication</dt>
        <dd>
          <Badge tone={sync.tone}>{sync.label}</Badge> lag {lagText(pair.lagBytes, pair.lagSeconds)}
        </dd>
        <dt>Last failover</dt>
        <dd>
          {lastFailover
            ? `${formatDateTime(lastFailover.occurredAt)} (${lastFailover.type.replace("_", " ")}, took ${formatDuration(lastFailover.durationMs)})`
            : "none recorded"}
        </dd>
        <dt>Witness</dt>
        <dd>{pair.witness ? `${pair.witness.name} (${pair.witness.address})` : "none"}</dd>
        <dt>Databases</dt>
        <dd>{pair.databaseCount}</dd>
        <dt>Last report</dt>
        <dd>{formatAge(pair.lastReportAt)}</dd>
      </dl>
      <h3 className="section-heading">Nodes</h3>
      <DataTable
        caption="Nodes"
        columns={[
          "Node",
          "Address",
          "Role",
          "Health",
          "Sync",
          { label: "Lag", numeric: true },
          { label: "Timeline", numeric: true },
          "LSN",
          "Last report",
        ]}
      >
        {pair.nodes.map((node) => {
          const nodeHealth = nodeHealthBadge(node);
          const nodeSync = syncBadge(node.syncState);
          return (
            <tr key={node.id} data-node={node.name}>
              <th scope="row">{node.name}</th>
              <td>
                <code>
                  {node.address}:{node.port}
                </code>
              </td>
              <td data-role={node.role}>{node.role}</td>
              <td>
                <Badge tone={nodeHealth.tone}>{nodeHealth.label}</Badge>
              </td>
              <td>
                <Badge tone={nodeSync.tone}>{nodeSync.label}</Badge>
              </td>
              <td className="num">{lagText(node.lagBytes, node.lagSeconds)}</td>
              <td className="num">{node.timeline ?? "—"}</td>
              <td>
                <code>{node.lsn ?? "—"}</code>
              </td>
              <td>{formatAge(node.lastReportAt)}</td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}

export function PairsPage() {
  const query = usePairsOverview();
  return (
    <>
      <PageHeader
        title="Pairs"
        subtitle="Each PostgreSQL pair: its primary, standby, replication and endpoint."
      />
      <QueryView query={query} loadingLabel="Loading pairs…">
        {(overviews) =>
          overviews.length === 0 ? (
            <EmptyState title="No pairs registered yet">
              Deploy a <code>PostgresPair</code> with Pulumi or run <code>npm start</code> to register the
              demo pair.
            </EmptyState>
          ) : (
            overviews.map((overview) => <PairCard key={overview.pair.id} overview={overview} />)
          )
        }
      </QueryView>
    </>
  );
}
