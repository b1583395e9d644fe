import {
  type AlertDelivery,
  type AlertEndpoint,
  AlertKind,
  CreateAlertEndpointRequest,
  type Pair,
} from "@pgaas/api";
import { type FormEvent, useState } from "react";
import { Badge, type Tone } from "../../components/Badge.js";
import { Button } from "../../components/Button.js";
import { ConfirmDialog } from "../../components/ConfirmDialog.js";
import { DataTable } from "../../components/DataTable.js";
import { EmptyState } from "../../components/EmptyState.js";
import { SelectField, TextField } from "../../components/fields.js";
import { MutationError } from "../../components/MutationError.js";
import { Notice } from "../../components/Notice.js";
import { QueryView } from "../../components/QueryView.js";
import { ShownOnce } from "../../components/ShownOnce.js";
import { type FieldErrors, validate } from "../../lib/form.js";
import { formatDateTime } from "../../lib/format.js";
import { useMutation } from "../../lib/use-query.js";
import { addAlertEndpoint, removeAlertEndpoint, rotateAlertSecret, sendTestAlert, useAlerts } from "./api.js";

const KIND_LABELS: Record<AlertKind, string> = {
  failover: "Failover",
  degraded: "Degraded",
  fenced: "Fenced or awaiting a decision",
  backup_failed: "Backup failed",
  restore_check_failed: "Restore check failed",
  disk_usage: "Disk ≥ 80 %",
};

const STATE_TONES: Record<AlertDelivery["state"], Tone> = {
  pending: "warn",
  delivered: "ok",
  failed: "bad",
};

const ALL_PAIRS = "";

function NewEndpointForm({ pairs, onCreated }: { pairs: readonly Pair[]; onCreated: () => void }) {
  const [url, setUrl] = useState("");
  const [kinds, setKinds] = useState<AlertKind[]>([...AlertKind.options]);
  const [pairId, setPairId] = useState(ALL_PAIRS);
  const [errors, setErrors] = useState<FieldErrors>({});
  const creation = useMutation(addAlertEndpoint);

  const toggle = (kind: AlertKind, on: boolean) =>
    setKinds(AlertKind.options.filter((option) => (option === kind ? on : kinds.includes(option))));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = validate(CreateAlertEndpointRequest, {
      url,
      kinds,
      pairId: pairId === ALL_PAIRS ? null : pairId,
    });
    if (!checked.ok) {
      setErrors(checked.errors);
      return;
    }
    setErrors({});
    if (await creation.run(checked.data)) {
      setUrl("");
      onCreated();
    }
  };

  return (
    <>
      {creation.state.status === "success" ? (
        <ShownOnce
          title={`Webhook ${creation.state.result.endpoint.url}`}
          items={[{ name: "webhook-secret", label: "Signing secret", value: creation.state.result.secret }]}
        />
      ) : null}
      <form className="stack" onSubmit={submit} noValidate aria-label="New webhook">
        <MutationError state={creation.state} />
        <TextField
          label="URL"
          name="url"
          type="url"
          value={url}
          onChange={(event) => setUrl(event.target.value)}
          hint="https:// (http:// only to a loopback address). Alerts are POSTed as signed JSON."
          error={errors.url}
          maxLength={2000}
        />
        <fieldset className="stack">
          <legend>Alert on</legend>
          {AlertKind.options.map((kind) => (
            <label key={kind} className="checkbox">
              <input
                type="checkbox"
                checked={kinds.includes(kind)}
                onChange={(event) => toggle(kind, event.target.checked)}
              />
              {KIND_LABELS[kind]}
            </label>
          ))}
          {errors.kinds ? <p className="field-error">Choose at least one.</p> : null}
        </fieldset>
        <SelectField
          label="Pair"
          name="pairId"
          value={pairId}
          onChange={(event) => setPairId(event.target.value)}
          options={[
            { value: ALL_PAIRS, label: "All pairs" },
            ...pairs.map((pair) => ({ value: pair.id, label: pair.name })),
          ]}
        />
        <div className="form-actions">
          <Button type="submit" variant="primary" busy={creation.state.status === "running"}>
            Add webhook
          </Button>
        </div>
      </form>
    </>
  );
}

/** How long receivers may keep checking with the old secret; "at once" after a leak. */
const OVERLAPS = [
  { value: "1440", label: "stays valid 24 h more" },
  { value: "60", label: "stays valid 1 h more" },
  { value: "10080", label: "stays valid 7 days more" },
  { value: "0", label: "is invalid at once (after a leak)" },
];

function EndpointRow({
  endpoint,
  pairs,
  onDelete,
  onTested,
}: {
  endpoint: AlertEndpoint;
  pairs: readonly Pair[];
  onDelete: () => void;
  onTested: () => void;
}) {
  const test = useMutation(() => sendTestAlert(endpoint.id));
  const [overlap, setOverlap] = useState(OVERLAPS[0]?.value ?? "1440");
  const [rotating, setRotating] = useState(false);
  const rotation = useMutation(() => rotateAlertSecret(endpoint.id, Number(overlap)));
  const pairName = pairs.find((pair) => pair.id === endpoint.pairId)?.name ?? "a deleted pair";
  return (
    <tr>
      <td>
        <code>{endpoint.url}</code>
        <MutationError state={test.state} />
        {test.state.status === "success" ? (
          <Notice tone={test.state.result.delivery.state === "delivered" ? "success" : "info"}>
            {test.state.result.delivery.state === "delivered"
              ? `Test alert delivered (HTTP ${test.state.result.delivery.lastStatus}).`
              : `Test alert not delivered: ${test.state.result.delivery.lastError}.`}
          </Notice>
        ) : null}
        {rotation.state.status === "success" ? (
          <>
            <ShownOnce
              title="New signing secret"
              items={[
                { name: "webhook-secret", label: "Signing secret", value: rotation.state.result.secret },
              ]}
            />
            <Notice tone="info">
              {rotation.state.result.endpoint.previousSecretValidUntil === null
                ? "The previous secret no longer signs deliveries."
                : `Until ${formatDateTime(rotation.state.result.endpoint.previousSecretValidUntil)} every delivery carries both signatures: switch the receiver before then.`}
            </Notice>
          </>
        ) : null}
      </td>
      <td>{endpoint.kinds.map((kind) => KIND_LABELS[kind]).join(", ")}</td>
      <td>{endpoint.pairId === null ? "all" : pairName}</td>
      <td className="nowrap">{formatDateTime(endpoint.createdAt)}</td>
      <td className="nowrap">
        <Button
          className="button-small"
          busy={test.state.status === "running"}
          onClick={async () => {
            if (await test.run(undefined)) onTested();
          }}
        >
          Send test
        </Button>{" "}
        <Button className="button-small" onClick={() => setRotating(true)}>
          Rotate secret
        </Button>{" "}
        <Button variant="danger" className="button-small" onClick={onDelete}>
          Delete
        </Button>
        <ConfirmDialog
          open={rotating}
          title={`Rotate the signing secret of ${endpoint.url}?`}
          confirmLabel="Rotate secret"
          tone="primary"
          busy={rotation.state.status === "running"}
          error={rotation.state.status === "error" ? rotation.state.error : undefined}
          onCancel={() => setRotating(false)}
          onConfirm={async () => {
            if (await rotation.run(undefined)) {
              setRotating(false);
              onTested();
            }
          }}
        >
          <p>
            The new secret is shown once. While the old one stays valid, each delivery carries both
            signatures.
          </p>
          <SelectField
            label="The old secret"
            value={overlap}
            options={OVERLAPS}
            onChange={(event) => setOverlap(event.target.value)}
          />
        </ConfirmDialog>
      </td>
    </tr>
  );
}

function lastAnswer(delivery: AlertDelivery): string {
  if (delivery.attempts === 0) return "not sent yet";
  if (delivery.lastError !== null) return delivery.lastError;
  return `HTTP ${delivery.lastStatus}`;
}

function DeliveryLog({
  deliveries,
  endpoints,
}: {
  deliveries: readonly AlertDelivery[];
  endpoints: readonly AlertEndpoint[];
}) {
  if (deliveries.length === 0) return <EmptyState title="No alerts sent yet" />;
  const urlOf = (id: string) => endpoints.find((endpoint) => endpoint.id === id)?.url ?? "";
  return (
    <DataTable
      caption="Alert deliveries"
      columns={["Alert", "Webhook", "State", "Attempts", "Last answer", "Next retry", "Delivered"]}
    >
      {deliveries.map((delivery) => (
        <tr key={delivery.id}>
          <td>
            {delivery.kind === "test" ? "Test" : KIND_LABELS[delivery.kind]}: {delivery.message}
          </td>
          <td>
            <code>{urlOf(delivery.endpointId)}</code>
          </td>
          <td>
            <Badge tone={STATE_TONES[delivery.state]}>{delivery.state}</Badge>
          </td>
          <td>
            {delivery.attempts} of {delivery.maxAttempts}
          </td>
          <td>{lastAnswer(delivery)}</td>
          <td className="nowrap">{delivery.nextAttemptAt ? formatDateTime(delivery.nextAttemptAt) : "—"}</td>
          <td className="nowrap">{delivery.deliveredAt ? formatDateTime(delivery.deliveredAt) : "—"}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function AlertsPanel() {
  const query = useAlerts();
  const [deleting, setDeleting] = useState<AlertEndpoint | null>(null);
  const deletion = useMutation(removeAlertEndpoint);
  return (
    <QueryView query={query} loadingLabel="Loading alerts…">
      {({ endpoints, pairs, deliveries }) => (
        <>
          <section className="card" aria-labelledby="webhooks-title">
            <h2 id="webhooks-title">Webhooks</h2>
            {endpoints.length === 0 ? (
              <EmptyState title="No webhooks" />
            ) : (
              <DataTable caption="Webhooks" columns={["URL", "Alerts", "Pair", "Created", "Actions"]}>
                {endpoints.map((endpoint) => (
                  <EndpointRow
                    key={endpoint.id}
                    endpoint={endpoint}
                    pairs={pairs}
                    onDelete={() => setDeleting(endpoint)}
                    onTested={query.reload}
                  />
                ))}
              </DataTable>
            )}
          </section>
          <section className="card" aria-labelledby="new-webhook-title">
            <h2 id="new-webhook-title">New webhook</h2>
            <NewEndpointForm pairs={pairs} onCreated={query.reload} />
          </section>
          <section className="card" aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Delivery log</h2>
            <DeliveryLog deliveries={deliveries} endpoints={endpoints} />
          </section>
          <ConfirmDialog
            open={deleting !== null}
            title={`Delete webhook ${deleting?.url ?? ""}?`}
            confirmLabel="Delete webhook"
            busy={deletion.state.status === "running"}
            error={deletion.state.status === "error" ? deletion.state.error : undefined}
            onCancel={() => {
              setDeleting(null);
              deletion.reset();
            }}
            onConfirm={async () => {
              if (deleting && (await deletion.run(deleting.id))) {
                setDeleting(null);
                query.reload();
              }
            }}
          >
            <p>It gets no more alerts, and its delivery log goes with it.</p>
          </ConfirmDialog>
        </>
      )}
    </QueryView>
  );
}
