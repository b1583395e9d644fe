import { type ApiToken, CreateApiTokenRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { ShownOnce } from "../../components/ShownOnce.js";
import { expiryDateToIso } from "../../lib/expiry.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { formatDateTime } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { create, revoke, useTokens } from "./api.js";

export function TokensPage() {
  const query = useTokens();
  const [name, setName] = useState("");
  const [expires, setExpires] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const creation = useMutation(create);
  const revocation = useMutation(revoke);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const expiresAt = expiryDateToIso(expires);
    const checked = validate(CreateApiTokenRequest, { name, ...(expiresAt ? { expiresAt } : {}) });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (await creation.run(checked.data)) {
      setName("");
      setExpires("");
      query.reload();
    }
  };

  return (
    <>
      <PageHeader
        title="API tokens"
        subtitle="For the CLI, CI and Pulumi programs: send as Authorization: Bearer <token>."
      />
      {creation.state.status === "success" ? (
        <ShownOnce
          title={`Token ${creation.state.result.token.name}`}
          items={[{ name: "api-token", label: "Token", value: creation.state.result.secret }]}
        />
      ) : null}
      <section className="card" aria-labelledby="new-token-title">
        <h2 id="new-token-title">New token</h2>
        <MutationError state={creation.state} />
        <form className="stack" onSubmit={submit} noValidate>
          <TextField
            label="Name"
            name="name"
            value={name}
            onChange={(event) => setName(event.target.value)}
            hint="Where it is used, e.g. “ci-deploy”."
            error={errors.name}
            maxLength={100}
          />
          <TextField
            label="Expires (optional)"
            name="expiresAt"
            type="date"
            value={expires}
            onChange={(event) => setExpires(event.target.value)}
            hint="The token stops working at the end of that day (UTC)."
            error={errors.expiresAt}
          />
          <div className="form-actions">
            <Button type="submit" variant="primary" busy={creation.state.status === "running"}>
              Create token
            </Button>
          </div>
        </form>
      </section>
      <QueryView query={query} loadingLabel="Loading tokens…">
        {({ tokens }) =>
          tokens.length === 0 ? (
            <EmptyState title="No API tokens" />
          ) : (
            <DataTable
              caption="API tokens"
              columns={["Name", "Starts with", "Created", "Expires", "Last used", "Actions"]}
            >
              {tokens.map((token) => (
                <tr key={token.id}>
                  <td>{token.name}</td>
                  <td>
                    <code>{token.prefix}…</code>
                  </td>
                  <td className="nowrap">{formatDateTime(token.createdAt)}</td>
                  <td className="nowrap">{token.expiresAt ? formatDateTime(token.expiresAt) : "never"}</td>
                  <td className="nowrap">{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : "never"}</td>
                  <td>
                    <Button variant="danger" className="button-small" onClick={() => setRevoking(token)}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </DataTable>
          )
        }
      </QueryView>
      <ConfirmDialog
        open={revoking !== null}
        title={`Revoke token ${revoking?.name ?? ""}?`}
        confirmLabel="Revoke token"
        busy={revocation.state.status === "running"}
        error={revocation.state.status === "error" ? revocation.state.error : undefined}
        onCancel={() => {
          setRevoking(null);
          revocation.reset();
        }}
        onConfirm={async () => {
          if (revoking && (await revocation.run(revoking.id))) {
            setRevoking(null);
            query.reload();
          }
        }}
      >
        <p>Programs using it get “unauthenticated” from now on.</p>
      </ConfirmDialog>
    </>
  );
}
