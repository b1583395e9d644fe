// Rotate a grant's credential: a new role and password, the old one working on for a chosen overlap
// so clients switch without a failed connection (none after a leak).
import type { AccessCredentialsResponse, AccessRequest } from "@pgaas/api";
import { useState } from "react";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { DEFAULT_OVERLAP, OverlapField } from "../../components/OverlapField.js";
import { useMutation } from "../../lib/use-query.js";
import { collectCredentials, rotate } from "./api.js";

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
  const [overlap, setOverlap] = useState<string>(DEFAULT_OVERLAP);
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
      <OverlapField value={overlap} onChange={setOverlap} />
    </ConfirmDialog>
  );
}
