import { CreateAccessRequest } from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Button } from "../../components/Button.js";
import { SelectField, TextAreaField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { useMutation } from "../../lib/use-query.js";
import { requestAccess, useDatabaseChoices, useLinkedDatabase } from "./api.js";

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
  // Asked by name only once the list is in and does not hold it.
  const linkedUnlisted =
    choices.state.status === "success" &&
    linkedDatabaseId &&
    !options.some((option) => option.value === linkedDatabaseId)
      ? linkedDatabaseId
      : null;
  const linked = useLinkedDatabase(linkedUnlisted);
  const linkedMissing = linked.state.status === "error";
  if (linkedUnlisted) {
    const found = linked.state.status === "success" ? linked.state.data : null;
    options.unshift({
      value: linkedUnlisted,
      label: found
        ? `${found.name} (pair ${found.pairName})`
        : `Database shared by link (${linkedUnlisted.slice(0, 8)}…)`,
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
      {linkedMissing ? (
        <p className="muted">The linked database does not exist (any more). Ask its owner for a new link.</p>
      ) : null}
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
