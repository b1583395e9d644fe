// A grant's client certificates: the requester issues one (certificate alone, or with the password)
// and sees the certificate, its key and a psql line once; the requester, the owner and admins see the
// list and revoke.
import type {
  AccessRequest,
  CertificateMethod,
  ClientCertificate,
  IssuedClientCertificate,
} from "@pgaas/api";
import { useState } from "react";
import { Badge, type Tone } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { DataTable } from "../../components/DataTable.js";
import { SelectField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { QueryView } from "../../components/QueryView.js";
import { caCertificateItems, ShownOnce } from "../../components/ShownOnce.js";
import { formatDateTime } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { issueCertificate, revokeCertificate, useClientCertificates } from "./api.js";

const METHODS = [
  { value: "certificate", label: "Certificate only (the password stops working)" },
  { value: "certificate+password", label: "Certificate and password" },
] as const;

const STATE_TONE: Record<ClientCertificate["state"], Tone> = {
  active: "ok",
  revoked: "muted",
  expired: "muted",
};

export function GrantCertificates({ request, mine }: { request: AccessRequest; mine: boolean }) {
  const query = useClientCertificates(request.id);
  const [method, setMethod] = useState<CertificateMethod>("certificate");
  const [issued, setIssued] = useState<IssuedClientCertificate | null>(null);
  const issuing = useMutation(async (chosen: CertificateMethod) => {
    setIssued(await issueCertificate(request.id, chosen));
    query.reload();
  });
  const revoking = useMutation(async (id: string) => {
    await revokeCertificate(id);
    query.reload();
  });
  return (
    <section className="card" aria-labelledby="certificates-title">
      <h2 id="certificates-title">Client certificates for {request.roleName ?? request.databaseName}</h2>
      {issued ? (
        <ShownOnce
          title="Your client certificate"
          items={[
            { name: "psql", label: "psql (files saved as named)", value: issued.psql },
            {
              name: "client-certificate",
              label: "Certificate (save as client.crt)",
              value: issued.certificate,
            },
            {
              name: "client-key",
              label: "Private key (save as client.key, mode 0600)",
              value: issued.privateKey,
            },
            ...caCertificateItems(issued.caCertificate),
          ]}
        />
      ) : null}
      {mine && request.state === "approved" ? (
        <div className="actions-cell">
          <SelectField
            label="Log in with"
            name="method"
            value={method}
            onChange={(event) => setMethod(event.target.value as CertificateMethod)}
            options={METHODS}
            hint="Revoked certificates are refused within seconds; none outlives the grant."
          />
          <Button
            variant="primary"
            busy={issuing.state.status === "running"}
            onClick={() => issuing.run(method)}
          >
            Issue certificate
          </Button>
        </div>
      ) : null}
      <MutationError state={issuing.state} />
      <MutationError state={revoking.state} />
      <QueryView query={query} loadingLabel="Loading certificates…">
        {({ clientCertificates }) =>
          clientCertificates.length === 0 ? (
            <p className="muted">No certificates issued.</p>
          ) : (
            <DataTable
              caption="Client certificates"
              columns={["Serial", "Method", "Expires", "State", "Actions"]}
            >
              {clientCertificates.map((certificate) => (
                <tr key={certificate.id} data-certificate={certificate.id}>
                  <td>
                    <code>{certificate.serial}</code>
                  </td>
                  <td>{certificate.method === "certificate" ? "certificate" : "certificate + password"}</td>
                  <td className="nowrap">{formatDateTime(certificate.notAfter)}</td>
                  <td>
                    <Badge tone={STATE_TONE[certificate.state]}>{certificate.state}</Badge>
                  </td>
                  <td>
                    {certificate.state === "active" ? (
                      <Button
                        variant="danger"
                        className="button-small"
                        busy={revoking.state.status === "running"}
                        onClick={() => revoking.run(certificate.id)}
                      >
                        Revoke
                      </Button>
                    ) : null}
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
    </section>
  );
}
