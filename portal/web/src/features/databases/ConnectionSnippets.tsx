// Tabs with a ready-to-paste connection for each client, as the viewer's own role, verify-full with
// the pair CA saved as the file the snippets name.
import type { DatabaseConnection } from "@pgaas/api";
import { type KeyboardEvent, useId, useState } from "react";
import { CopyButton } from "../../components/CopyButton.js";
import { ScrollRegion } from "../../components/ScrollRegion.js";
import { CA_FILE, connectionSnippets } from "./snippets.js";

export function ConnectionSnippets({ connection }: { connection: DatabaseConnection }) {
  const snippets = connectionSnippets(connection);
  const [selected, setSelected] = useState(0);
  const id = useId();
  const current = snippets[selected] ?? snippets[0];
  if (current === undefined) return null;
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern).
  const onKeyDown = (event: KeyboardEvent) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = (selected + step + snippets.length) % snippets.length;
    setSelected(next);
    document.getElementById(`${id}-tab-${next}`)?.focus();
  };
  return (
    <section className="card" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Connect from code</h2>
      <p className="muted">
        As <code>{connection.username}</code>; the password is read from <code>PGPASSWORD</code>.
        {connection.caCertificate === null ? null : (
          <>
            {" "}
            Save the pair CA as <code>{CA_FILE}</code>: every client verifies the server (verify-full).
          </>
        )}
      </p>
      {connection.caCertificate === null ? null : (
        <p>
          <a
            className="button button-secondary button-small"
            download={CA_FILE}
            href={`data:application/x-pem-file;charset=utf-8,${encodeURIComponent(connection.caCertificate)}`}
          >
            Download {CA_FILE}
          </a>{" "}
          <CopyButton text={connection.caCertificate} label="Copy CA certificate" />
        </p>
      )}
      <div role="tablist" aria-label="Client" className="snippet-tabs">
        {snippets.map((snippet, index) => (
          <button
            key={snippet.id}
            id={`${id}-tab-${index}`}
            type="button"
            role="tab"
            aria-selected={index === selected}
            aria-controls={`${id}-panel`}
            tabIndex={index === selected ? 0 : -1}
            className={index === selected ? "snippet-tab snippet-tab-selected" : "snippet-tab"}
            onClick={() => setSelected(index)}
            onKeyDown={onKeyDown}
          >
            {snippet.label}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-tab-${selected}`}>
        <ScrollRegion className="snippet" label={`${current.label} snippet`}>
          <pre>
            <code data-snippet={current.id}>{current.code}</code>
          </pre>
        </ScrollRegion>
        <CopyButton text={current.code} label={`Copy the ${current.label} snippet`} />
      </div>
    </section>
  );
}
