// "Look at the pair as of …" (admins): before restoring anything, the standby's agent restores the whole
// pair as of the time into a scratch instance and lists what it held — each database with its owner,
// size and rows — then removes it. From the list: restore one database as of that time (its own
// restore form, prefilled), or the whole pair (the Pulumi program for a new pair).
import type { PointInTimeLook } from "@pgaas/api";
import { type FormEvent, useId, useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { CopyButton } from "../../components/CopyButton.js";
import { DataTable } from "../../components/DataTable.js";
import { TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { formatBytes, formatDateTime, formatDuration } from "../../lib/format.js";
import { Link } from "../../lib/router.js";
import { useMutation } from "../../lib/use-query.js";
import { utcPickerToIso } from "../../lib/utc-picker.js";
import { requestLook, usePairDatabaseRecords, usePointInTimeLook } from "./api.js";
import { restorePairSnippet } from "./restore-pair-snippet.js";

const targetText = (look: PointInTimeLook) =>
  look.time !== null
    ? formatDateTime(look.time)
    : look.backup !== null
      ? `the end of backup ${look.backup}`
      : "the latest archived state";

function where(look: PointInTimeLook): string {
  return look.onStandby
    ? `the standby ${look.nodeName}`
    : `the primary ${look.nodeName} (the pair has no healthy standby)`;
}

/** The database's record on this pair: the live one, else the newest deleted one of that name. */
function recordLink(
  records: readonly { id: string; name: string; state: string; createdAt: string }[],
  name: string,
  time: string | null,
) {
  const named = records.filter((record) => record.name === name);
  const record =
    named.find((candidate) => candidate.state === "active") ??
    named
      .filter((candidate) => candidate.state === "deleted")
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
  if (record === undefined) return <span className="muted">not managed by the portal</span>;
  const query = time === null ? "" : `?restoreAt=${encodeURIComponent(time)}`;
  return (
    <Link to={`/databases/${record.id}${query}`}>
      Restore {name} as of {time === null ? "the latest state" : formatDateTime(time)}
    </Link>
  );
}

function DatabasesAtTime({ look, pairName }: { look: PointInTimeLook; pairName: string }) {
  const records = usePairDatabaseRecords(look.pairId);
  const databases = look.databases ?? [];
  const known = records.state.status === "success" ? records.state.data.databases : [];
  const snippet = look.time === null ? null : restorePairSnippet(pairName, look.time);
  return (
    <>
      <p>
        {pairName} as of {targetText(look)} held {look.databaseCount} databases (looked at in{" "}
        {formatDuration(look.durationMs ?? 0)} on {where(look)}; the scratch instance is removed).
      </p>
      <DataTable
        caption={`Databases of ${pairName} as of ${targetText(look)}`}
        columns={[
          "Database",
          "Owner",
          { label: "Size", numeric: true },
          { label: "Rows (estimate)", numeric: true },
          "Restore",
        ]}
      >
        {databases.map((database) => (
          <tr key={database.name} data-database={database.name}>
            <th scope="row">{database.name}</th>
            <td>{database.owner}</td>
            <td className="num">{formatBytes(database.sizeBytes)}</td>
            <td className="num">{database.rowEstimate.toLocaleString("en")}</td>
            <td>{recordLink(known, database.name, look.time)}</td>
          </tr>
        ))}
      </DataTable>
      {look.databaseCount !== null && look.databaseCount > databases.length ? (
        <p className="muted">
          {look.databaseCount - databases.length} more databases are not listed (more than fit in one agent
          result).
        </p>
      ) : null}
      {snippet === null ? null : (
        <>
          <h3 className="section-heading">The whole pair as of {formatDateTime(look.time ?? "")}</h3>
          <p className="muted">
            Into a new pair with its own hosts: run this Pulumi program where you manage {pairName}.
          </p>
          <pre className="snippet">
            <code data-snippet="look-restore-pair">{snippet}</code>
          </pre>
          <CopyButton text={snippet} label="Copy the Pulumi program" />
        </>
      )}
    </>
  );
}

function LookProgress({ first, pairName }: { first: PointInTimeLook; pairName: string }) {
  const [running, setRunning] = useState(true);
  const query = usePointInTimeLook(first.pairId, first.id, running);
  const look = query.state.status === "success" ? query.state.data.look : first;
  if (running && look.state !== "running") setRunning(false);
  if (look.state === "running") {
    return (
      <p role="status" data-look="running">
        <Badge tone="info">running</Badge> Restoring {pairName} as of {targetText(look)} into a scratch
        instance on {where(look)}, requested {formatDateTime(look.requestedAt)}. This takes as long as a
        restore of the whole pair.
      </p>
    );
  }
  if (look.state === "failed") {
    return (
      <div className="alert alert-error" role="alert" data-look="failed">
        <p className="alert-title">
          The look at {pairName} as of {targetText(look)} failed on {look.nodeName}
        </p>
        <p>{look.reason}</p>
      </div>
    );
  }
  return (
    <div data-look="done">
      <DatabasesAtTime look={look} pairName={pairName} />
    </div>
  );
}

export function LookAsOf({ pairId, pairName }: { pairId: string; pairName: string }) {
  const [time, setTime] = useState("");
  const id = useId();
  const mutation = useMutation(requestLook);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const at = utcPickerToIso(time);
    await mutation.run({ pairId, request: at === undefined ? {} : { time: at } });
  };
  const look = mutation.state.status === "success" ? mutation.state.result.look : null;
  return (
    <details className="look-as-of" aria-labelledby={`${id}-title`}>
      <summary id={`${id}-title`}>Look at the pair as of …</summary>
      <p className="muted">
        What every database of {pairName} held at a point in time, before you restore anything: the standby
        restores the pair into a scratch instance (it needs the disk of the whole pair), lists the databases
        and removes it. {pairName} itself is not touched. One look at a time.
      </p>
      <form className="toolbar" onSubmit={submit} noValidate aria-label="Look at the pair as of a time">
        <TextField
          label="Point in time (UTC)"
          name="look-time"
          type="datetime-local"
          step={1}
          value={time}
          onChange={(event) => setTime(event.target.value)}
          hint="Blank: the latest state the backups hold."
        />
        <Button type="submit" variant="primary" busy={mutation.state.status === "running"}>
          Look at the pair
        </Button>
      </form>
      <MutationError state={mutation.state} />
      {look === null ? null : <LookProgress key={look.id} first={look} pairName={pairName} />}
    </details>
  );
}
