// Rotate a grant's credential: a new role and password, the old one working on for a chosen overlap
// so clients switch without a failed connection (none after a leak).
import { type AccessCredentialsResponse, type AccessRequest, DEFAULT_OVERLAP_MINUTES } from "@pgaas/api";
import { useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { SelectField } from "../../components/fields.js";
import { useMutation } from "../../lib/use-query.js";
import { collectCredentials, rotate } from "./api.js";

const OVERLAPS = [
  { value: String(DEFAULT_OVERLAP_MINUTES), label: "1 hour" },
  { value: "1440", label: "24 hours" },
  { value: "10080", label: "7 days" },
  { value: "0", label: "Not at all: stop it now (after a leak)" },
] as const;

export function RotateDialog({
  request,
  mine,
  onClose,
  onRotated,
}: {
  request: AccessRequest;
  /** The requester sees the new password at once; anyone else leaves it for the requester. */
  mine: boolean;
  onClose: () => void;
  onRotated: (collected: AccessCredentialsResponse | null) => void;
}) {
  const [overlap, setOverlap] = useState<string>(OVERLAPS[0].value);
  const rotation = useMutation(async (overlapMinutes: number) => {
    await rotate(request.id, overlapMinutes);
    onRotated(mine ? await collectCredentials(request.id) : null);
  });
  return (
    <ConfirmDialog
      open
      title="Rotate this password?"
      confirmLabel="Rotate password"
      tone="primary"
      busy={rotation.state.status === "running"}
      error={rotation.state.status === "error" ? rotation.state.error : undefined}
      onCancel={onClose}
      onConfirm={() => rotation.run(Number(overlap))}
    >
      <p>
        A new login role with a new random password replaces <code>{request.roleName}</code>, with the same
        access.{" "}
        {mine
          ? "The new password is shown once here."
          : "The requester collects the new password once on this page; you will not see it."}
      </p>
      <SelectField
        label="The old password keeps working for"
        name="overlapMinutes"
        value={overlap}
        onChange={(event) => setOverlap(event.target.value)}
        options={OVERLAPS}
        hint="Sessions already open stay connected either way."
      />
    </ConfirmDialog>
  );
}
