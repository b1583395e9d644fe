// "Restore to a point in time" on a database page (and "Restore" on a deleted one): a new database
// under a new name with its own owner, restored by the pair's primary from its backups. The password
// is shown once here; the new database's page shows the progress while it is restoring.
import { type Database, RestoreDatabaseRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { NameField, PG_NAME_HINT, TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { caCertificateItems, ShownOnce } from "../../components/ShownOnce.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { formatDateTime } from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { isoToUtcPicker, utcPickerToIso } from "../../lib/utc-picker.js";
import { restore } from "./api.js";

interface Draft {
  time: string;
  newName: string;
  owner: string;
}

/** The datetime-local value is read as UTC (the label says so): `2026-12-07T03:05` → `…:00Z`. */
export function restoreDraftToRequest(draft: Draft): Record<string, unknown> {
  const time = utcPickerToIso(draft.time);
  return {
    newName: draft.newName.trim(),
    ...(draft.owner.trim() === "" ? {} : { owner: draft.owner.trim() }),
    ...(time === undefined ? {} : { time }),
  };
}

/** `initialTime`: an instant to start from (a look at the pair as of T links here with T). */
export function RestoreDatabase({ database, initialTime }: { database: Database; initialTime?: string }) {
  const [draft, setDraft] = useState<Draft>({
    time: initialTime ? isoToUtcPicker(initialTime) : "",
    newName: "",
    owner: "",
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation((request: RestoreDatabaseRequest) => restore(database.id, request));
  const deleted = database.state === "deleted";
  const set = (field: keyof Draft) => (event: { target: { value: string } }) => {
    setDraft((current) => ({ ...current, [field]: event.target.value }));
    setErrors((current) => ({ ...current, [field]: undefined }));
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(RestoreDatabaseRequest, restoreDraftToRequest(draft));
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    await mutation.run(checked.data);
  };
  const title = deleted ? "Restore" : "Restore to a point in time";

  if (mutation.state.status === "success") {
    const { database: created, credentials, connectionUri, caCertificate } = mutation.state.result;
    return (
      <section className="card" aria-labelledby="restore-title">
        <h2 id="restore-title">{title}</h2>
        <p>
          Restoring into <strong>{created.name}</strong>: the primary restores the pair's backup into a
          scratch instance and copies {database.name} out of it. This takes minutes for a large database.
        </p>
        <ShownOnce
          title={`Connection details of ${created.name}`}
          items={[
            { name: "connection-uri", label: "Connection URI", value: connectionUri },
            { name: "username", label: "Username", value: credentials.username },
            { name: "password", label: "Password", value: credentials.password },
            ...caCertificateItems(caCertificate),
          ]}
        />
        <Link to={`/databases/${created.id}`} className="button button-primary">
          Follow {created.name}
        </Link>
      </section>
    );
  }

  return (
    <section className="card" aria-labelledby="restore-title">
      <h2 id="restore-title">{title}</h2>
      <p className="muted">
        Into a new database with its own owner role; {database.name} itself is not touched. Possible while the
        pair's backups reach back to the time.
      </p>
      <form className="stack" onSubmit={submit} noValidate aria-label="Restore database">
        <MutationError state={mutation.state} />
        <TextField
          label="Point in time (UTC)"
          name="time"
          type="datetime-local"
          step={1}
          value={draft.time}
          onChange={set("time")}
          hint={
            deleted
              ? `Blank: just before it was deleted (${formatDateTime(database.deletedAt)}).`
              : "Blank: the latest state the backups hold."
          }
          error={errors.time}
        />
        <NameField
          label="New database name"
          name="newName"
          value={draft.newName}
          onChange={set("newName")}
          hint={PG_NAME_HINT}
          error={errors.newName}
          required
        />
        <NameField
          label="Owner role (optional)"
          name="owner"
          value={draft.owner}
          onChange={set("owner")}
          hint="A new role, shown once; defaults to the new database name."
          error={errors.owner}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
            Restore into a new database
          </Button>
        </div>
      </form>
    </section>
  );
}
