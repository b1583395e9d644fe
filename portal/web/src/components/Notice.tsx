import type { ReactNode } from "react";

/** A polite status message (saved, sent, created), announced to screen readers. */
export function Notice({ tone = "success", children }: { tone?: "success" | "info"; children: ReactNode }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
