import { CreateDatabaseRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { EmptyState } from "../../components/EmptyState.js";
import { NameField, PG_NAME_HINT, SelectField, TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { PageHeader } from "../../components/PageHeader.js";
import { QueryView } from "../../components/QueryView.js";
import { caCertificateItems, ShownOnce } from "../../components/ShownOnce.js";
import { serverFieldErrors } from "../../lib/error-messages.js";
import { useFieldErrors, validate } from "../../lib/form.js";
import { Link } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { create, usePairChoices } from "./api.js";

const FIELDS = ["pairId", "name", "owner", "connectionLimit"] as const;

interface Draft {
  pairId: string;
  name: string;
  owner: string;
  connectionLimit: string;
}

/** Form strings → the API request; blank optional fields are left out, numbers stay numbers. */
function draftToRequest(draft: Draft): Record<string, unknown> {
  const limit = draft.connectionLimit.trim();
  return {
    pairId: draft.pairId,
    name: draft.name.trim(),
    ...(draft.owner.trim() === "" ? {} : { owner: draft.owner.trim() }),
    ...(limit === "" ? {} : { connectionLimit: Number(limit) }),
  };
}

export function CreateDatabasePage() {
  const pairs = usePairChoices();
  const [draft, setDraft] = useState<Draft>({ pairId: "", name: "", owner: "", connectionLimit: "" });
  const { errors, formRef, show, clear } = useFieldErrors();
  // A refusal about one field (the name is taken) is shown on that field, like the form's own checks.
  const mutation = useMutation(async (request: CreateDatabaseRequest) => {
    try {
      return await create(request);
    } catch (error) {
      const onFields = serverFieldErrors(error, FIELDS);
      if (onFields) show(onFields);
      throw error;
    }
  });
  const set = (field: keyof Draft) => (event: { target: { value: string } }) => {
    setDraft((current) => ({ ...current, [field]: event.target.value }));
    clear(field);
  };

  if (mutation.state.status === "success") {
    const { database, credentials, connectionUri, pooledConnectionUri, caCertificate } =
      mutation.state.result;
    return (
      <>
        <PageHeader title={`Database ${database.name} created`} subtitle={`On pair ${database.pairName}`} />
        <ShownOnce
          title="Connection details"
          items={[
            { name: "connection-uri", label: "Connection URI", value: connectionUri },
            ...(pooledConnectionUri === null
              ? []
              : [
                  {
                    name: "pooled-connection-uri",
                    label: "Pooled URI (PgBouncer)",
                    value: pooledConnectionUri,
                  },
                ]),
            { name: "username", label: "Username", value: credentials.username },
            { name: "password", label: "Password", value: credentials.password },
            ...caCertificateItems(caCertificate),
          ]}
        />
        <div className="form-actions">
          <Link to={`/databases/${database.id}`} className="button button-primary">
            Open {database.name}
          </Link>
          <Link to="/databases" className="button button-secondary">
            Back to databases
          </Link>
        </div>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title="New database"
        subtitle="A database and its owner role on a pair's current primary."
      />
      <QueryView query={pairs} loadingLabel="Loading pairs…">
        {({ pairs: choices }) => {
          if (choices.length === 0) return <EmptyState title="No pair to create a database on" />;
          const pairId = draft.pairId || (choices[0]?.id ?? "");
          const submit = async (event: FormEvent) => {
            event.preventDefault();
            const checked = validate(CreateDatabaseRequest, draftToRequest({ ...draft, pairId }));
            if (!checked.ok) {
              show(checked.errors);
              return;
            }
            show({});
            await mutation.run(checked.data);
          };
          return (
            <form className="stack card" onSubmit={submit} noValidate ref={formRef}>
              <MutationError state={mutation.state} fields={FIELDS} />
              <SelectField
                label="Pair"
                name="pairId"
                value={pairId}
                onChange={set("pairId")}
                options={choices.map((pair) => ({ value: pair.id, label: `${pair.name} (${pair.health})` }))}
                error={errors.pairId}
              />
              <NameField
                label="Name"
                name="name"
                value={draft.name}
                onChange={set("name")}
                hint={PG_NAME_HINT}
                error={errors.name}
                required
              />
              <NameField
                label="Owner role (optional)"
                name="owner"
                value={draft.owner}
                onChange={set("owner")}
                hint="Defaults to the database name."
                error={errors.owner}
              />
              <TextField
                label="Connection limit (optional)"
                name="connectionLimit"
                type="number"
                inputMode="numeric"
                min={-1}
                max={10000}
                value={draft.connectionLimit}
                onChange={set("connectionLimit")}
                hint="-1 for no limit (the default)."
                error={errors.connectionLimit}
              />
              <div className="form-actions">
                <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
                  Create database
                </Button>
                <Link to="/databases" className="button button-secondary">
                  Cancel
                </Link>
              </div>
            </form>
          );
        }}
      </QueryView>
    </>
  );
}
