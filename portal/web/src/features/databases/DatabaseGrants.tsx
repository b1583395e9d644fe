import { Badge } from "../../components/Badge.js";
import { CopyButton } from "../../components/CopyButton.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { QueryView } from "../../components/QueryView.js";
import { formatExpiry } from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useDatabaseGrants } from "./api.js";

/**
 * The link others open to ask for access. Members only list databases they own or hold a grant
 * on, so the owner shares this link.
 */
function ShareLink({ databaseId }: { databaseId: string }) {
  const path = `/access?databaseId=${databaseId}`;
  return (
    <p>
      Others ask for access with <Link to={path}>this request link</Link>{" "}
      <CopyButton text={new URL(path, window.location.origin).href} label="Copy the access request link" />
    </p>
  );
}

/** Who has (or asked for) access to this database. */
export function DatabaseGrants({ databaseId }: { databaseId: string }) {
  const query = useDatabaseGrants(databaseId);
  return (
    <section className="card" aria-labelledby="grants-title">
      <h2 id="grants-title">Access grants</h2>
      <QueryView query={query} loadingLabel="Loading grants…">
        {({ accessRequests }) =>
          accessRequests.length === 0 ? (
            <EmptyState title="Only the owner has access">
              <ShareLink databaseId={databaseId} />
            </EmptyState>
          ) : (
            <>
              <DataTable caption="Access grants" columns={["Requester", "Level", "State", "Role", "Expires"]}>
                {accessRequests.map((request) => (
                  <tr key={request.id}>
                    <td>{request.requesterEmail}</td>
                    <td>{request.level === "read_only" ? "read-only" : "read-write"}</td>
                    <td>
                      <Badge
                        tone={
                          request.state === "approved" ? "ok" : request.state === "pending" ? "info" : "muted"
                        }
                      >
                        {request.state}
                      </Badge>
                    </td>
                    <td>
                      <code>{request.roleName ?? "—"}</code>
                    </td>
                    <td className="nowrap">
                      {formatExpiry(
                        request.expiresAt,
                        request.state !== "pending" && request.state !== "denied",
                      )}
                    </td>
                  </tr>
                ))}
              </DataTable>
              <ShareLink databaseId={databaseId} />
            </>
          )
        }
      </QueryView>
    </section>
  );
}
