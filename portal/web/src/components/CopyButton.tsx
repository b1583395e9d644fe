import { useState } from "react";

/** Copies `text` to the clipboard; says so in a live region for screen readers. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<"idle" | "copied" | "failed">("idle");
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <span className="copy">
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={copy}
        aria-label={label}
      >
        Copy
      </button>
      <span className="copy-status" aria-live="polite">
        {copied === "copied" ? "Copied" : copied === "failed" ? "Select and copy by hand" : ""}
      </span>
    </span>
  );
}
