import type { AccessCredentialsResponse, AccessRequest, User } from "@pgaas/api";
import { useState } from "react";
import { Badge, type Tone } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { MutationError } from "../../components/MutationError.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { caCertificateItems, ShownOnce } from "../../components/ShownOnce.js";
import { formatDateTime, formatExpiry } from "../../lib/format.js";
import { useLocation } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { announceAccessDecided, collectCredentials, revoke, useAccessRequests } from "./api.js";
import { type Decision, DecisionDialog } from "./DecisionDialog.js";
import { GrantCertificates } from "./GrantCertificates.js";
import { RequestAccessForm } from "./RequestAccessForm.js";
import { RotateDialog } from "./RotateDialog.js";

const STATE_TONE: Record<AccessRequest["state"], Tone> = {
  pending: "info",
  approved: "ok",
  denied: "bad",
  revoked: "muted",
  expired: "muted",
};

type Pending =
  | { kind: "decide"; request: AccessRequest; decision: Decision }
  | { kind: "revoke"; request: AccessRequest }
  | { kind: "rotate"; request: AccessRequest };

export function AccessPage({ user }: { user: User }) {
  const { searchParams } = useLocation();
  const query = useAccessRequests();
  const [pending, setPending] = useState<Pending | null>(null);
  const [collected, setCollected] = useState<{
    request: AccessRequest;
    response: AccessCredentialsResponse;
  } | null>(null);
  const [certificatesOf, setCertificatesOf] = useState<AccessRequest | null>(null);
  const revocation = useMutation((id: string) => revoke(id));
  const collection = useMutation(async (request: AccessRequest) => {
    setCollected({ request, response: await collectCredentials(request.id) });
  });
  const close = () => {
    setPending(null);
    revocation.reset();
  };
  const done = () => {
    close();
    query.reload();
    announceAccessDecided();
  };

  return (
    <>
      <PageHeader
        title="Access requests"
        subtitle="Ask for access to a database; owners and admins decide."
      />
      {collected ? (
        <ShownOnce
          title={`Credentials for ${collected.request.databaseName}`}
          items={[
            { name: "connection-uri", label: "Connection URI", value: collected.response.connectionUri },
            { name: "username", label: "Username", value: collected.response.credentials.username },
            { name: "password", label: "Password", value: collected.response.credentials.password },
            ...caCertificateItems(collected.response.caCertificate),
          ]}
        />
      ) : null}
      <MutationError state={collection.state} />
      <div className="grid-2 grid-access">
        <section className="card" aria-labelledby="request-title">
          <h2 id="request-title">Request access</h2>
          <RequestAccessForm linkedDatabaseId={searchParams.get("databaseId")} onRequested={query.reload} />
        </section>
        <section className="card" aria-labelledby="how-title">
          <h2 id="how-title">How it works</h2>
          <ol>
            <li>You ask for read-only or read-write access with a reason.</li>
            <li>The database owner or an admin approves (optionally until a date) or denies.</li>
            <li>On approval a login role is created for you; collect its password once here.</li>
            <li>Access can be revoked at any time; expired access is removed automatically.</li>
          </ol>
        </section>
      </div>
      <h2>Requests</h2>
      <QueryView query={query} loadingLabel="Loading requests…">
        {({ accessRequests }) =>
          accessRequests.length === 0 ? (
            <EmptyState title="No access requests yet" />
          ) : (
            <DataTable
              caption="Access requests"
              columns={[
                "Database",
                "Requester",
                "Level",
                "Reason",
                "State",
                "Expires",
                "Requested",
                "Actions",
              ]}
            >
              {accessRequests.map((request) => {
                const mine = request.requesterId === user.id;
                return (
                  <tr key={request.id} data-access-request={request.id} data-state={request.state}>
                    <td>{request.databaseName}</td>
                    <td>{mine ? "you" : request.requesterEmail}</td>
                    <td>{request.level === "read_only" ? "read-only" : "read-write"}</td>
                    <td>{request.reason}</td>
                    <td>
                      <Badge tone={STATE_TONE[request.state]}>{request.state}</Badge>
                      {request.decisionNote ? <div className="muted">“{request.decisionNote}”</div> : null}
                      {request.state === "approved" &&
                      request.previousValidUntil !== null &&
                      Date.parse(request.previousValidUntil) > Date.now() ? (
                        <div className="muted">
                          Rotated: <code>{request.previousRoleName}</code> still logs in until{" "}
                          {formatDateTime(request.previousValidUntil)}
                        </div>
                      ) : null}
                    </td>
                    <td className="nowrap">
                      {formatExpiry(
                        request.expiresAt,
                        request.state !== "pending" && request.state !== "denied",
                      )}
                    </td>
                    <td className="nowrap">{formatDateTime(request.createdAt)}</td>
                    <td>
                      <div className="actions-cell">
                        {request.state === "pending" && !mine ? (
                          <>
                            <Button
                              variant="primary"
                              className="button-small"
                              onClick={() => setPending({ kind: "decide", request, decision: "approve" })}
                            >
                              Approve
                            </Button>
                            <Button
                              className="button-small"
                              onClick={() => setPending({ kind: "decide", request, decision: "deny" })}
                            >
                              Deny
                            </Button>
                          </>
                        ) : null}
                        {request.state === "approved" && mine && request.credentialsAvailable ? (
                          <Button
                            variant="primary"
                            className="button-small"
                            busy={collection.state.status === "running"}
                            onClick={async () => {
                              if (await collection.run(request)) query.reload();
                            }}
                          >
                            Collect credentials
                          </Button>
                        ) : null}
                        {request.state === "approved" ? (
                          <Button
                            className="button-small"
                            onClick={() => setPending({ kind: "rotate", request })}
                          >
                            Rotate password
                          </Button>
                        ) : null}
                        {request.roleName !== null ? (
                          <Button className="button-small" onClick={() => setCertificatesOf(request)}>
                            Certificates
                          </Button>
                        ) : null}
                        {request.state === "approved" ? (
                          <Button
                            variant="danger"
                            className="button-small"
                            onClick={() => setPending({ kind: "revoke", request })}
                          >
                            Revoke
                          </Button>
                        ) : null}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )
        }
      </QueryView>
      {certificatesOf ? (
        <GrantCertificates
          key={certificatesOf.id}
          request={certificatesOf}
          mine={certificatesOf.requesterId === user.id}
        />
      ) : null}
      {pending?.kind === "decide" ? (
        <DecisionDialog
          request={pending.request}
          decision={pending.decision}
          onClose={close}
          onDecided={done}
        />
      ) : null}
      {pending?.kind === "rotate" ? (
        <RotateDialog
          request={pending.request}
          mine={pending.request.requesterId === user.id}
          onClose={close}
          onRotated={(response) => {
            if (response !== null) setCollected({ request: pending.request, response });
            done();
          }}
        />
      ) : null}
      {pending?.kind === "revoke" ? (
        <ConfirmDialog
          open
          title="Revoke this access?"
          confirmLabel="Revoke"
          busy={revocation.state.status === "running"}
          error={revocation.state.status === "error" ? revocation.state.error : undefined}
          onCancel={close}
          onConfirm={async () => {
            if (await revocation.run(pending.request.id)) done();
          }}
        >
          <p>
            The login role <code>{pending.request.roleName}</code>
            {pending.request.previousRoleName ? (
              <>
                {" "}
                (and the rotated-out <code>{pending.request.previousRoleName}</code>)
              </>
            ) : null}{" "}
            and its grants on {pending.request.databaseName} are removed; open sessions are ended.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
