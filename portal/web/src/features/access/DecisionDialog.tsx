import { type AccessRequest, ApproveAccessRequest, DenyAccessRequest } from "@pgaas/api";
import { useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { TextAreaField, TextField } from "../../components/fields.js";
import { utcInputToIso } from "../../lib/expiry.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { useMutation } from "../../lib/use-query.js";
import { approve, deny } from "./api.js";

export type Decision = "approve" | "deny";

/** Approve (with an optional expiry and note) or deny (with an optional note) one request. */
export function DecisionDialog({
  request,
  decision,
  onClose,
  onDecided,
}: {
  request: AccessRequest;
  decision: Decision;
  onClose: () => void;
  onDecided: () => void;
}) {
  const [expires, setExpires] = useState("");
  const [note, setNote] = useState("");
  const [errors, setErrors] = useState<FieldErrors>({});
  const mutation = useMutation((body: ApproveAccessRequest) =>
    decision === "approve" ? approve(request.id, body) : deny(request.id, { note: body.note }),
  );

  const confirm = async () => {
    const expiresAt = decision === "approve" ? utcInputToIso(expires) : undefined;
    const checked = validate(decision === "approve" ? ApproveAccessRequest : DenyAccessRequest, {
      ...(note.trim() === "" ? {} : { note: note.trim() }),
      ...(expiresAt ? { expiresAt } : {}),
    });
    if (!checked.ok || (expiresAt !== undefined && Date.parse(expiresAt) <= Date.now())) {
      setErrors(checked.ok ? { expiresAt: "a date and time in the future" } : checked.errors);
      return;
    }
    setErrors({});
    if (await mutation.run(checked.data)) onDecided();
  };

  const level = request.level === "read_only" ? "read-only" : "read-write";
  return (
    <ConfirmDialog
      open
      title={decision === "approve" ? `Approve ${level} access?` : "Deny this request?"}
      confirmLabel={decision === "approve" ? "Approve" : "Deny"}
      tone={decision === "approve" ? "primary" : "danger"}
      busy={mutation.state.status === "running"}
      error={mutation.state.status === "error" ? mutation.state.error : undefined}
      onCancel={onClose}
      onConfirm={confirm}
    >
      <p>
        {request.requesterEmail} asks for {level} access to <strong>{request.databaseName}</strong>: “
        {request.reason}”
      </p>
      {decision === "approve" ? (
        <TextField
          label="Expires (UTC, optional)"
          type="datetime-local"
          name="expiresAt"
          value={expires}
          onChange={(event) => setExpires(event.target.value)}
          hint="A date and time in UTC, like every time in the portal. Leave empty for access without an end date."
          error={errors.expiresAt}
        />
      ) : null}
      <TextAreaField
        label="Note to the requester (optional)"
        name="note"
        error={errors.note}
        value={note}
        onChange={(event) => setNote(event.target.value)}
        maxLength={2000}
      />
    </ConfirmDialog>
  );
}
