import { CopyButton } from "./CopyButton.js";

export interface SecretItem {
  label: string;
  value: string;
  /** Stable test/automation hook, e.g. "connection-uri". */
  name: string;
}

/** The pair CA as an item: clients verify the endpoint with it (sslrootcert), so it is shown beside the URI. */
export function caCertificateItems(caCertificate: string | null): SecretItem[] {
  return caCertificate
    ? [{ name: "ca-certificate", label: "CA certificate (save as sslrootcert)", value: caCertificate }]
    : [];
}

/** Credentials the server returns exactly once: shown with copy buttons and a clear warning. */
export function ShownOnce({ title, items }: { title: string; items: readonly SecretItem[] }) {
  return (
    <section className="shown-once" aria-labelledby="shown-once-title">
      <h2 id="shown-once-title">{title}</h2>
      <p className="shown-once-warning">
        Copy these now: they are shown only this once and cannot be retrieved later.
      </p>
      <dl>
        {items.map((item) => (
          <div key={item.name} className="shown-once-item">
            <dt>{item.label}</dt>
            <dd>
              <code data-secret={item.name}>{item.value}</code>
              <CopyButton text={item.value} label={`Copy ${item.label.toLowerCase()}`} />
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
