import { CreateAccessRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { SelectField, TextAreaField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { useMutation } from "../../lib/use-query.js";
import { requestAccess, useDatabaseChoices } from "./api.js";

const LEVELS = [
  { value: "read_only", label: "Read-only (SELECT)" },
  { value: "read_write", label: "Read-write (SELECT, INSERT, UPDATE, DELETE)" },
] as const;

/**
 * Asks for access to a database. A database shared by link (`?databaseId=`) is offered even when
 * the list does not show it: members only list databases they already own or hold a grant on.
 */
export function RequestAccessForm({
  linkedDatabaseId,
  onRequested,
}: {
  linkedDatabaseId: string | null;
  onRequested: () => void;
}) {
  const choices = useDatabaseChoices();
  const [databaseId, setDatabaseId] = useState(linkedDatabaseId ?? "");
  const [level, setLevel] = useState("read_only");
  const [reason, setReason] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation(requestAccess);

  const listed = choices.state.status === "success" ? choices.state.data.databases : [];
  const options = listed
    .filter((database) => database.state === "active")
    .map((database) => ({ value: database.id, label: `${database.name} (pair ${database.pairName})` }));
  if (linkedDatabaseId && !options.some((option) => option.value === linkedDatabaseId)) {
    options.unshift({
      value: linkedDatabaseId,
      label: `Database shared by link (${linkedDatabaseId.slice(0, 8)}…)`,
    });
  }
  const selected = databaseId || options[0]?.value || "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(CreateAccessRequest, { databaseId: selected, level, reason });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (await mutation.run(checked.data)) {
      setReason("");
      onRequested();
    }
  };

  return (
    <form className="stack" onSubmit={submit} noValidate aria-label="Request access">
      <MutationError state={mutation.state} />
      {mutation.state.status === "success" ? (
        <Notice>Request sent. The database owner or an admin will approve or deny it.</Notice>
      ) : null}
      {options.length === 0 && choices.state.status === "success" ? (
        <p className="muted">
          No database to choose: ask its owner for the request link on the database page.
        </p>
      ) : (
        <SelectField
          label="Database"
          name="databaseId"
          value={selected}
          onChange={(event) => setDatabaseId(event.target.value)}
          options={options}
          error={errors.databaseId}
        />
      )}
      <SelectField
        label="Access level"
        name="level"
        value={level}
        onChange={(event) => setLevel(event.target.value)}
        options={LEVELS}
        error={errors.level}
      />
      <TextAreaField
        label="Reason"
        name="reason"
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        hint="What you need it for; the approver sees this."
        error={errors.reason}
        maxLength={2000}
      />
      <div className="form-actions">
        <Button
          type="submit"
          variant="primary"
          busy={mutation.state.status === "running"}
          disabled={selected === ""}
        >
          Request access
        </Button>
      </div>
    </form>
  );
}
