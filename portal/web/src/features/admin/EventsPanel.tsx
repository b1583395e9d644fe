import type { Pair, PairEventType } from "@pgaas/api";
import { useState } from "react";
import { Badge } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { EmptyState } from "../../components/EmptyState.js";
import { Notice } from "../../components/Notice.js";
import { QueryView } from "../../components/QueryView.js";
import { formatDateTime, formatDuration } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { requestSwitchover, usePairTimeline } from "./api.js";

/** Dot colour of an event on the timeline: red for loss of a primary, amber for degraded durability. */
function eventTone(type: PairEventType): "bad" | "warn" | "ok" | "info" {
  switch (type) {
    case "failover":
    case "fenced":
    case "switchover_failed":
    case "rejoin_failed":
    case "awaiting_decision":
    case "backup_failed":
    case "restore_failed":
    case "restore_check_failed":
    case "point_in_time_failed":
    case "pooling_failed":
      return "bad";
    case "sync_degraded":
    case "role_changed":
    case "superseded_fenced":
    case "disk_usage_high":
      return "warn";
    case "sync_restored":
    case "switchover_succeeded":
    case "backup_succeeded":
    case "restore_succeeded":
    case "restore_check_succeeded":
    case "point_in_time_described":
    case "unfenced":
    case "rejoin_succeeded":
    case "pooling_applied":
      return "ok";
    case "registered":
    case "switchover_requested":
    case "backup_requested":
    case "restore_requested":
    case "settings_changed":
    case "rejoin_started":
      return "info";
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function SwitchoverCard({ pair, onRequested }: { pair: Pair; onRequested: () => void }) {
  const [open, setOpen] = useState(false);
  const mutation = useMutation(requestSwitchover);
  const standby = pair.nodes.find((node) => node.name !== pair.primary);
  const command = mutation.state.status === "success" ? mutation.state.result.command : null;
  const refusal = pair.switchover.refusal;
  const whyId = `switchover-refused-${pair.id}`;
  return (
    <div className="card switchover" data-pair={pair.name}>
      <h3>Pair {pair.name}</h3>
      <p>
        Primary <strong>{pair.primary ?? "none"}</strong>, standby <strong>{standby?.name ?? "none"}</strong>.
      </p>
      {command ? (
        <Notice tone="info">
          Switchover requested: {command.nodeName} takes over ({command.state}). Watch the timeline below.
        </Notice>
      ) : null}
      <Button
        variant="danger"
        disabled={refusal !== null}
        aria-describedby={refusal ? whyId : undefined}
        onClick={() => setOpen(true)}
      >
        Switch over…
      </Button>
      {refusal ? (
        <p className="field-hint" id={whyId} data-refusal={refusal.code}>
          Switchover unavailable: {refusal.message}
        </p>
      ) : null}
      <ConfirmDialog
        open={open}
        title={`Switch over pair ${pair.name}?`}
        confirmLabel="Switch over"
        typeToConfirm={pair.name}
        busy={mutation.state.status === "running"}
        error={mutation.state.status === "error" ? mutation.state.error : undefined}
        onCancel={() => setOpen(false)}
        onConfirm={async () => {
          if (await mutation.run(pair)) {
            setOpen(false);
            onRequested();
          }
        }}
      >
        <p>
          {standby?.name ?? "The standby"} becomes the primary and {pair.primary ?? "the primary"} rejoins as
          its standby. Writes pause for a few seconds while the endpoint moves; connected clients must
          reconnect.
        </p>
      </ConfirmDialog>
    </div>
  );
}

export function EventsPanel() {
  const query = usePairTimeline();
  return (
    <QueryView query={query} loadingLabel="Loading events…">
      {({ pairs, events }) => (
        <>
          <h2>Switchover</h2>
          {pairs.length === 0 ? (
            <EmptyState title="No pairs registered" />
          ) : (
            <div className="grid-2">
              {pairs.map((pair) => (
                <SwitchoverCard key={pair.id} pair={pair} onRequested={query.reload} />
              ))}
            </div>
          )}
          <h2>Events</h2>
          {events.length === 0 ? (
            <EmptyState title="No events yet">
              Failovers, switchovers, degrades and fences appear here.
            </EmptyState>
          ) : (
            <div className="card">
              <ol className="timeline">
                {events.map((event) => (
                  <li key={event.id} className={`timeline-${eventTone(event.type)}`} data-event={event.type}>
                    <div className="timeline-head">
                      <Badge tone={eventTone(event.type)}>{event.type.replaceAll("_", " ")}</Badge>
                      <strong>
                        {event.pairName}
                        {event.nodeName ? ` / ${event.nodeName}` : ""}
                      </strong>
                      <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
                      {event.durationMs !== null ? (
                        <span>took {formatDuration(event.durationMs)}</span>
                      ) : null}
                    </div>
                    <p>{event.message}</p>
                  </li>
                ))}
              </ol>
            </div>
          )}
        </>
      )}
    </QueryView>
  );
}
