// The last restore check of a pair's newest backup: when (UTC), which backup, how long, or why it
// failed; and (admins) "Verify now", which the standby's agent runs (the primary's without one).
import type { RestoreCheck } from "@pgaas/api";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { MutationError } from "../../components/MutationError.js";
import { formatDateTime, formatDuration } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { requestRestoreCheck } from "./api.js";

function Outcome({ check }: { check: RestoreCheck | null }) {
  if (check === null) return <p className="muted">No restore check has run yet.</p>;
  return (
    <p data-verified={check.ok ? "ok" : "failed"}>
      <Badge tone={check.ok ? "ok" : "bad"}>{check.ok ? "restored" : "failed"}</Badge>{" "}
      {formatDateTime(check.at)}
      {check.backup ? `, backup ${check.backup}` : ""}
      {check.durationMs === null ? "" : `, took ${formatDuration(check.durationMs)}`}
      {check.ok ? "" : `: ${check.message}`}
    </p>
  );
}

export function LastVerification({
  pairId,
  check,
  isAdmin,
  onRequested,
}: {
  pairId: string;
  check: RestoreCheck | null;
  isAdmin: boolean;
  onRequested: () => void;
}) {
  const mutation = useMutation(requestRestoreCheck);
  return (
    <>
      <h3 className="section-heading">Last verified restore</h3>
      <Outcome check={check} />
      {isAdmin ? (
        <div className="toolbar">
          <Button
            variant="secondary"
            busy={mutation.state.status === "running"}
            onClick={async () => {
              if (await mutation.run({ pairId })) onRequested();
            }}
          >
            Verify now
          </Button>
          {mutation.state.status === "success" ? (
            <span className="muted">
              Restore check requested on {mutation.state.result.request.nodeName}.
            </span>
          ) : null}
          <MutationError state={mutation.state} />
        </div>
      ) : null}
    </>
  );
}
