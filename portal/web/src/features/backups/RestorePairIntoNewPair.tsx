// "Restore the pair into a new pair": the control plane cannot create VMs, so this hands the admin
// the Pulumi program (PostgresPair's restoreFrom) for the time they pick, checked against the range
// the pair's backups reach.
import type { BackupInventory } from "@pgaas/api";
import { RestoreTime } from "@pgaas/common/wire";
import { useId, useState } from "react";
import { CopyButton } from "../../components/CopyButton.js";
import { TextField } from "../../components/fields.js";
import { restorePairSnippet } from "./restore-pair-snippet.js";

/** Why the time cannot be restored, or null; the bootstrap refuses the same with the range. */
export function restorePairTimeError(time: string, inventory: BackupInventory): string | null {
  // The engine's own schema for restoreFrom.time, so no program is offered that its preview refuses.
  if (!RestoreTime.safeParse(time).success)
    return "An ISO 8601 time with its zone, e.g. 2026-12-07T06:15:00Z.";
  const at = Date.parse(time);
  const from = inventory.restorableFrom === null ? null : Date.parse(inventory.restorableFrom);
  const to = inventory.restorableTo === null ? null : Date.parse(inventory.restorableTo);
  if (from === null || to === null) return "The pair has no backup to restore from yet.";
  if (at < from || at > to)
    return `Outside what the backups reach: ${inventory.restorableFrom} to ${inventory.restorableTo}.`;
  return null;
}

export function RestorePairIntoNewPair({
  pairName,
  inventory,
}: {
  pairName: string;
  inventory: BackupInventory;
}) {
  const [time, setTime] = useState(inventory.restorableTo ?? "");
  const id = useId();
  const error = restorePairTimeError(time.trim(), inventory);
  const snippet = error === null ? restorePairSnippet(pairName, time.trim()) : null;
  return (
    <details className="restore-pair" aria-labelledby={`${id}-title`}>
      <summary id={`${id}-title`}>Restore the pair into a new pair</summary>
      <p className="muted">
        Every database of {pairName} as of a point in time, in a new pair with its own hosts; {pairName} is
        only read. The control plane cannot create VMs: run this Pulumi program where you manage {pairName},
        which must stay in it (its secrets hold the repository key).
      </p>
      <TextField
        label="Point in time (ISO 8601 with zone)"
        name="restore-pair-time"
        value={time}
        onChange={(event) => setTime(event.target.value)}
        error={error ?? undefined}
        spellCheck={false}
        autoComplete="off"
      />
      {snippet === null ? null : (
        <>
          <pre className="snippet">
            <code data-snippet="restore-pair">{snippet}</code>
          </pre>
          <CopyButton text={snippet} label="Copy the Pulumi program" />
        </>
      )}
    </details>
  );
}
